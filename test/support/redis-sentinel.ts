// A Redis Sentinel set-up of the test's own, on free ports in a temp folder that `stop` removes: a
// primary, its replica and three sentinels that watch the primary under flowwatch's name (quorum 2, a
// primary silent for 2 s is down). A node can be killed and started again on its data and config,
// which Sentinel rewrites as roles change, as in a real deployment.
//
// The replica replicates through a HeldProxy in front of the first primary, so that a test can hold
// the replication stream and make the replica fall behind. The sentinels know that node at the
// proxy's port too, and it announces that port when it is a replica itself: Sentinel repoints a
// replica whose primary address differs from the one it knows (+fix-slave-config, failover-timeout
// after it first sees the replica), which would take the replica past the proxy. The replica goes by
// its own address everywhere.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeldProxy } from './held-proxy.ts';
import { askRedis as ask } from './redis-server.ts';
import { waitFor } from './wait-for.ts';

/** flowwatch's default REDIS_SENTINEL_NAME. */
export const SENTINEL_NAME = 'flowwatch';

/** The settings that point flowwatch at this set-up. */
export interface RedisSentinelEnv {
  readonly REDIS_SENTINELS: string;
  readonly REDIS_SENTINEL_NAME: string;
}

/** A data node's ROLE; a replica's primary is the port it replicates from, as the sentinels know it. */
export type NodeRole =
  | { readonly role: 'master' }
  | { readonly role: 'slave'; readonly primaryPort: number; readonly linkUp: boolean };

export interface RedisSentinelOptions {
  /** How long a silent primary takes to count as down (down-after-milliseconds); 2000. */
  readonly downAfterMs?: number;
  /** Sentinel's failover-timeout: a failover that stalls is tried again after twice this; 5000. */
  readonly failoverTimeoutMs?: number;
}

export interface RedisSentinelSetup {
  /** The name the sentinels know the primary by: flowwatch. */
  readonly name: string;
  readonly sentinelPorts: readonly number[];
  /**
   * The two data nodes, by the port that sentinels and clients know each at: the first primary (the
   * proxy's port) and the first replica (its own).
   */
  readonly nodePorts: readonly [number, number];
  /**
   * The proxy in front of the first primary, which the replica replicates through (as do the
   * sentinels and clients that talk to that node): `holdReplies('replication')` holds the replication
   * stream only, `cut()` drops what is held and breaks the connections, `release()` lets all through.
   */
  readonly proxy: HeldProxy;
  /** REDIS_SENTINELS and REDIS_SENTINEL_NAME for this set-up. */
  env(): RedisSentinelEnv;
  /** The primary's port as a sentinel reports it (SENTINEL GET-MASTER-ADDR-BY-NAME): the given one, or the first that answers. */
  primaryPort(sentinelPort?: number): Promise<number>;
  /** A data node's ROLE, asked of the node itself (past the proxy). */
  role(port: number): Promise<NodeRole>;
  /** Resolves once every running data node other than the primary replicates it and has applied all it has. */
  inSync(options?: { timeoutMs?: number }): Promise<void>;
  /**
   * Resolves with the new primary's port once every running sentinel reports a primary other than
   * `from` and that node answers ROLE master.
   */
  waitForPromotion(from: number, options?: { timeoutMs?: number }): Promise<number>;
  /** Signals a data node or a sentinel; for SIGKILL, SIGTERM and SIGINT, resolves once it has exited. */
  kill(port: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped data node or sentinel again on its data and config; resolves once it answers PING. */
  start(port: number): Promise<void>;
  /** A data node's or sentinel's log, for a failure's message. */
  log(port: number): string;
  /** Kills everything, closes the proxy and removes the folder; idempotent (for afterAll). */
  stop(): Promise<void>;
}

interface Server {
  /** The port others know it at; the proxy's for the first primary. */
  readonly port: number;
  /** The port it listens on. */
  readonly ownPort: number;
  readonly sentinel: boolean;
  readonly dir: string;
  child: ChildProcess | undefined;
}

/**
 * Servers still running when the test worker exits are killed and the folders of set-ups not stopped
 * removed, so no failed test leaves them behind.
 */
const running = new Set<ChildProcess>();
const folders = new Set<string>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

export async function startRedisSentinel(options: RedisSentinelOptions = {}): Promise<RedisSentinelSetup> {
  const downAfterMs = options.downAfterMs ?? 2000;
  const failoverTimeoutMs = options.failoverTimeoutMs ?? 5000;
  const root = mkdtempSync(join(tmpdir(), 'flowwatch-sentinel-'));
  folders.add(root);
  const [primaryOwn, replicaPort, ...sentinelPorts] = await freePorts(5);
  if (primaryOwn === undefined || replicaPort === undefined) throw new Error('no free ports');
  const proxy = await HeldProxy.start({ host: '127.0.0.1', port: primaryOwn });
  const nodePorts = [proxy.port, replicaPort] as const;

  const servers = new Map<number, Server>();
  const add = (port: number, ownPort: number, sentinel: boolean) => {
    const dir = join(root, `${sentinel ? 'sentinel' : 'redis'}-${ownPort}`);
    mkdirSync(dir);
    servers.set(port, { port, ownPort, sentinel, dir, child: undefined });
    return dir;
  };
  const dataNode = (port: number, dir: string, announcedPort: number, replicaOf?: number) =>
    writeFileSync(
      join(dir, 'redis.conf'),
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `logfile ${join(dir, 'redis.log')}`,
        // Append-only, as a deployment keeps state: a restarted node comes back with its data.
        'appendonly yes',
        'save ""',
        // A replica's full sync starts at once, not after 5 s of waiting for other replicas to join it.
        'repl-diskless-sync-delay 0',
        'replica-announce-ip 127.0.0.1',
        `replica-announce-port ${announcedPort}`,
        ...(replicaOf === undefined ? [] : [`replicaof 127.0.0.1 ${replicaOf}`]),
        '',
      ].join('\n'),
    );
  dataNode(primaryOwn, add(proxy.port, primaryOwn, false), proxy.port);
  dataNode(replicaPort, add(replicaPort, replicaPort, false), replicaPort, proxy.port);
  for (const port of sentinelPorts) {
    const dir = add(port, port, true);
    writeFileSync(
      join(dir, 'sentinel.conf'),
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `logfile ${join(dir, 'sentinel.log')}`,
        `sentinel monitor ${SENTINEL_NAME} 127.0.0.1 ${proxy.port} 2`,
        `sentinel down-after-milliseconds ${SENTINEL_NAME} ${downAfterMs}`,
        `sentinel failover-timeout ${SENTINEL_NAME} ${failoverTimeoutMs}`,
        '',
      ].join('\n'),
    );
  }

  const serverOf = (port: number): Server => {
    const server = servers.get(port) ?? [...servers.values()].find((s) => s.ownPort === port);
    if (server === undefined) throw new Error(`port ${port} is none of this Sentinel set-up's`);
    return server;
  };
  const isRunning = (server: Server) =>
    server.child !== undefined && server.child.exitCode === null && server.child.signalCode === null;
  const log = (port: number) => {
    const server = serverOf(port);
    const file = join(server.dir, server.sentinel ? 'sentinel.log' : 'redis.log');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-20).join('\n') : '(no log)';
  };

  const start = async (port: number) => {
    const server = serverOf(port);
    if (isRunning(server)) return;
    const child = server.sentinel
      ? spawn('redis-sentinel', [join(server.dir, 'sentinel.conf')], { stdio: 'ignore' })
      : spawn('redis-server', [join(server.dir, 'redis.conf')], { stdio: 'ignore' });
    server.child = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    await waitFor(
      () => {
        if (!isRunning(server)) throw new Error(`it exited:\n${log(port)}`);
        return ask(server.ownPort, (redis) => redis.ping()).then((pong) => pong === 'PONG');
      },
      { timeoutMs: 15_000, intervalMs: 50, what: `${server.sentinel ? 'sentinel' : 'redis-server'} on port ${port}` },
    );
  };

  const kill = async (port: number, signal: NodeJS.Signals = 'SIGKILL') => {
    const server = serverOf(port);
    const child = server.child;
    if (child === undefined || !isRunning(server)) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') await exited;
  };

  const primaryPort = async (sentinelPort?: number): Promise<number> => {
    const ports = sentinelPort === undefined ? sentinelPorts : [sentinelPort];
    let lastError: unknown;
    for (const port of ports) {
      try {
        return await reportedPrimary(port);
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error('no sentinel answered with a primary', { cause: lastError });
  };

  const role = async (port: number): Promise<NodeRole> => {
    const answer = (await ask(serverOf(port).ownPort, (redis) => redis.call('ROLE'))) as unknown[];
    if (answer[0] === 'master') return { role: 'master' };
    if (answer[0] === 'slave') {
      return { role: 'slave', primaryPort: Number(answer[2]), linkUp: answer[3] === 'connected' };
    }
    throw new Error(`port ${port} answers ROLE ${String(answer[0])}`);
  };

  const dataPorts = () => nodePorts.filter((port) => isRunning(serverOf(port)));
  const sentinelsRunning = () => sentinelPorts.filter((port) => isRunning(serverOf(port)));

  /** Every running data node other than `primary` replicates it and has applied all it has. */
  const inSyncWith = async (primary: number) => {
    const info = await ask(serverOf(primary).ownPort, (r) => r.info('replication'));
    const offset = infoField(info, 'master_repl_offset');
    for (const port of dataPorts().filter((p) => p !== primary)) {
      const now = await role(port);
      if (now.role !== 'slave' || now.primaryPort !== primary || !now.linkUp) return false;
      const replicated = await ask(serverOf(port).ownPort, (r) => r.info('replication'));
      if (infoField(replicated, 'slave_repl_offset') !== offset) return false;
    }
    return true;
  };

  const inSync = async ({ timeoutMs = 30_000 } = {}) => {
    await waitFor(async () => inSyncWith(await primaryPort()), {
      timeoutMs,
      intervalMs: 50,
      what: 'every replica in sync with the primary',
    });
  };

  const waitForPromotion = async (from: number, { timeoutMs = 60_000 } = {}) =>
    waitFor(
      async () => {
        const reported = await Promise.all(sentinelsRunning().map(reportedPrimary));
        const next = reported[0];
        if (next === undefined || next === from || reported.some((port) => port !== next)) return undefined;
        return (await role(next)).role === 'master' ? next : undefined;
      },
      { timeoutMs, intervalMs: 100, what: `the sentinels to promote a primary other than port ${from}` },
    );

  let stopping: Promise<void> | undefined;
  const setup: RedisSentinelSetup = {
    name: SENTINEL_NAME,
    sentinelPorts,
    nodePorts,
    proxy,
    env: () => ({
      REDIS_SENTINELS: sentinelPorts.map((port) => `127.0.0.1:${port}`).join(','),
      REDIS_SENTINEL_NAME: SENTINEL_NAME,
    }),
    primaryPort,
    role,
    inSync,
    waitForPromotion,
    kill,
    start,
    log,
    stop: () => {
      stopping ??= (async () => {
        await Promise.all([...servers.keys()].map((port) => kill(port, 'SIGKILL')));
        await proxy.close();
        rmSync(root, { recursive: true, force: true });
        folders.delete(root);
      })();
      return stopping;
    },
  };

  try {
    for (const port of nodePorts) await start(port);
    await waitFor(() => inSyncWith(proxy.port), { timeoutMs: 30_000, intervalMs: 50, what: 'the replica in sync' });
    for (const port of sentinelPorts) await start(port);
    // A failover needs every sentinel to know the primary, its replica and the two others.
    await waitFor(
      async () => {
        for (const port of sentinelPorts) {
          const master = fields(await ask(port, (r) => r.call('SENTINEL', 'MASTER', SENTINEL_NAME)));
          if (master.flags !== 'master' || master['num-slaves'] !== '1' || master['num-other-sentinels'] !== '2') {
            return false;
          }
          const replicas = (await ask(port, (r) => r.call('SENTINEL', 'REPLICAS', SENTINEL_NAME))) as unknown[];
          const replica = fields(replicas[0]);
          if (replica.port !== String(replicaPort) || replica.flags !== 'slave') return false;
        }
        return true;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: 'every sentinel knowing the primary, its replica and the others' },
    );
  } catch (error) {
    const logs = [...servers.keys()].map((port) => `--- ${port}:\n${log(port)}`).join('\n');
    await setup.stop();
    throw new Error(`${(error as Error).message}\n${logs}`, { cause: error });
  }
  return setup;
}

/** The primary's port that the sentinel on `port` reports. */
async function reportedPrimary(port: number): Promise<number> {
  const answer = (await ask(port, (r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_NAME))) as
    | [string, string]
    | null;
  if (answer === null) throw new Error(`the sentinel on port ${port} knows no ${SENTINEL_NAME}`);
  return Number(answer[1]);
}

/** A Sentinel reply of alternating names and values, as an object. */
function fields(reply: unknown): Record<string, string> {
  const list = Array.isArray(reply) ? (reply as unknown[]) : [];
  const result: Record<string, string> = {};
  for (let i = 0; i + 1 < list.length; i += 2) result[String(list[i])] = String(list[i + 1]);
  return result;
}

function infoField(info: string, name: string): string | undefined {
  return new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim();
}

/**
 * `count` distinct free ports, below the ephemeral range (32768 and up on Linux), so that no outgoing
 * connection takes one while its server is down between a kill and a start.
 */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < count; attempt++) {
    if (attempt > 1000) throw new Error(`no ${count} free ports found between 20000 and 32000`);
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!ports.has(port) && (await portFree(port))) ports.add(port);
  }
  return [...ports];
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
