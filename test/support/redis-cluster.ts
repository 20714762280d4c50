// A Redis Cluster of the test's own: three primaries with a replica each (cluster-node-timeout 3000,
// append-only), on free ports whose cluster bus ports (port + 10000) are free too, in a temp folder
// that `stop` removes. A node can be killed and started again on its data and nodes.conf; the
// cluster then moves its slots to its replica, and takes it back as a replica.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { askRedis as ask } from './redis-server.ts';
import { waitFor } from './wait-for.ts';

const run = promisify(execFile);

export const CLUSTER_SLOTS = 16_384;

/**
 * A range of slots, its primary and its replicas, from CLUSTER SHARDS (not CLUSTER SLOTS, which leaves
 * out a replica that has replicated nothing yet: on a fresh cluster, for its first 10 s). Replicas the
 * node sees as failed are left out.
 */
export interface SlotRange {
  readonly start: number;
  readonly end: number;
  readonly primary: number;
  readonly replicas: readonly number[];
}

/** A node's ROLE; a replica's primary is the port it replicates from. */
export type ClusterNodeRole =
  | { readonly role: 'master' }
  | { readonly role: 'slave'; readonly primaryPort: number; readonly linkUp: boolean };

export interface RedisCluster {
  /** Every node's port, the three first primaries first. */
  readonly ports: readonly number[];
  /** Every node's address, comma-separated: the seed nodes for REDIS_CLUSTER_NODES. */
  readonly nodes: string;
  /** REDIS_CLUSTER_NODES for this cluster; the key prefix with its hash tag is the test's to choose. */
  env(): { REDIS_CLUSTER_NODES: string };
  /** The slot of a key (CLUSTER KEYSLOT). */
  slotOf(key: string): Promise<number>;
  /** The slot ranges as the first running node sees them (CLUSTER SHARDS). */
  slots(): Promise<SlotRange[]>;
  /** The port of the slot's primary, once every running node agrees on it. */
  primaryOf(slot: number): Promise<number>;
  /** The ports of the slot's replicas, as the slot's primary's view has them. */
  replicasOf(slot: number): Promise<number[]>;
  role(port: number): Promise<ClusterNodeRole>;
  /** CLUSTER INFO of a node, as an object (cluster_state, cluster_slots_ok, ...). */
  info(port: number): Promise<Record<string, string>>;
  /**
   * Resolves with the new primary's port once every running node reports cluster_state:ok and a primary
   * of `slot` other than `from`, and that node answers ROLE master.
   */
  waitForTakeover(slot: number, from: number, options?: { timeoutMs?: number }): Promise<number>;
  /** Signals a node; for SIGKILL, SIGTERM and SIGINT, resolves once it has exited. */
  kill(port: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped node again on its data and nodes.conf; resolves once it answers PING. */
  start(port: number): Promise<void>;
  /** A node's log, for a failure's message. */
  log(port: number): string;
  /** Kills every node and removes the folder; idempotent (for afterAll). */
  stop(): Promise<void>;
}

/**
 * Nodes still running when the test worker exits are killed and the folders of clusters not stopped
 * removed, so no failed test leaves them behind.
 */
const running = new Set<ChildProcess>();
const folders = new Set<string>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

export async function startRedisCluster(): Promise<RedisCluster> {
  const root = mkdtempSync(join(tmpdir(), 'flowwatch-cluster-'));
  folders.add(root);
  const ports = await freeNodePorts(6);
  const children = new Map<number, ChildProcess>();
  const dirOf = (port: number) => join(root, `redis-${port}`);
  const known = (port: number) => {
    if (!ports.includes(port)) throw new Error(`port ${port} is none of this cluster's`);
  };
  const isRunning = (port: number) => {
    const child = children.get(port);
    return child !== undefined && child.exitCode === null && child.signalCode === null;
  };
  const runningPorts = () => ports.filter(isRunning);
  const log = (port: number) => {
    const file = join(dirOf(port), 'redis.log');
    return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-20).join('\n') : '(no log)';
  };

  const start = async (port: number) => {
    known(port);
    if (isRunning(port)) return;
    const dir = dirOf(port);
    mkdirSync(dir, { recursive: true });
    const child = spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--logfile', join(dir, 'redis.log')],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '3000'],
        ...['--appendonly', 'yes', '--save', ''],
        // A replica's full sync starts at once, not after 5 s of waiting for other replicas to join it.
        ...['--repl-diskless-sync-delay', '0'],
      ],
      { stdio: 'ignore' },
    );
    children.set(port, child);
    running.add(child);
    child.once('exit', () => running.delete(child));
    await waitFor(
      () => {
        if (!isRunning(port)) throw new Error(`it exited:\n${log(port)}`);
        return ask(port, (redis) => redis.ping()).then((pong) => pong === 'PONG');
      },
      { timeoutMs: 15_000, intervalMs: 50, what: `cluster node on port ${port}` },
    );
  };

  const kill = async (port: number, signal: NodeJS.Signals = 'SIGKILL') => {
    known(port);
    const child = children.get(port);
    if (child === undefined || !isRunning(port)) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') await exited;
  };

  const info = async (port: number) => fields(await ask(port, (redis) => redis.call('CLUSTER', 'INFO')));
  const slotsSeenBy = async (port: number) => parseShards(await ask(port, (redis) => redis.call('CLUSTER', 'SHARDS')));
  const rangeOf = (ranges: readonly SlotRange[], slot: number) =>
    ranges.find((range) => range.start <= slot && slot <= range.end);

  const slots = async () => {
    let lastError: unknown;
    for (const port of runningPorts()) {
      try {
        return await slotsSeenBy(port);
      } catch (error) {
        lastError = error;
      }
    }
    throw new Error('no cluster node answered CLUSTER SHARDS', { cause: lastError });
  };

  /** The slot's primary if every running node sees the same one, else undefined. */
  const agreedPrimary = async (slot: number) => {
    const seen = await Promise.all(runningPorts().map(async (port) => rangeOf(await slotsSeenBy(port), slot)?.primary));
    const first = seen[0];
    return first !== undefined && seen.every((port) => port === first) ? first : undefined;
  };

  const primaryOf = (slot: number) =>
    waitFor(() => agreedPrimary(slot), {
      timeoutMs: 30_000,
      what: `the running nodes to agree on slot ${slot}'s primary`,
    });

  const role = async (port: number): Promise<ClusterNodeRole> => {
    known(port);
    const answer = (await ask(port, (redis) => redis.call('ROLE'))) as unknown[];
    if (answer[0] === 'master') return { role: 'master' };
    if (answer[0] === 'slave') {
      return { role: 'slave', primaryPort: Number(answer[2]), linkUp: answer[3] === 'connected' };
    }
    throw new Error(`port ${port} answers ROLE ${String(answer[0])}`);
  };

  /** Every running node has the cluster whole: state ok, every slot served, a replica in sync per primary. */
  const whole = async () => {
    for (const port of runningPorts()) {
      const state = await info(port);
      if (state.cluster_state !== 'ok' || state.cluster_slots_ok !== String(CLUSTER_SLOTS)) return false;
      const ranges = await slotsSeenBy(port);
      if (new Set(ranges.map((range) => range.primary)).size !== 3) return false;
      if (ranges.some((range) => range.replicas.length !== 1)) return false;
      const now = await role(port);
      if (now.role === 'slave' && !now.linkUp) return false;
    }
    return true;
  };

  let stopping: Promise<void> | undefined;
  const cluster: RedisCluster = {
    ports,
    nodes: ports.map((port) => `127.0.0.1:${port}`).join(','),
    env: () => ({ REDIS_CLUSTER_NODES: cluster.nodes }),
    slotOf: async (key) => {
      const port = runningPorts()[0];
      if (port === undefined) throw new Error('no cluster node is running');
      return Number(await ask(port, (redis) => redis.call('CLUSTER', 'KEYSLOT', key)));
    },
    slots,
    primaryOf,
    replicasOf: async (slot) => {
      const primary = await primaryOf(slot);
      return [...(rangeOf(await slotsSeenBy(primary), slot)?.replicas ?? [])];
    },
    role,
    info: (port) => {
      known(port);
      return info(port);
    },
    waitForTakeover: (slot, from, { timeoutMs = 60_000 } = {}) =>
      waitFor(
        async () => {
          for (const port of runningPorts()) if ((await info(port)).cluster_state !== 'ok') return undefined;
          const next = await agreedPrimary(slot);
          if (next === undefined || next === from) return undefined;
          return (await role(next)).role === 'master' ? next : undefined;
        },
        { timeoutMs, intervalMs: 100, what: `a primary of slot ${slot} other than port ${from}, cluster_state:ok` },
      ),
    kill,
    start,
    log,
    stop: () => {
      stopping ??= (async () => {
        await Promise.all(ports.map((port) => kill(port, 'SIGKILL')));
        rmSync(root, { recursive: true, force: true });
        folders.delete(root);
      })();
      return stopping;
    },
  };

  try {
    await Promise.all(ports.map(start));
    // The first three become primaries, each of the others a replica of one of them.
    await run('redis-cli', [
      '--cluster',
      'create',
      ...ports.map((port) => `127.0.0.1:${port}`),
      '--cluster-replicas',
      '1',
      '--cluster-yes',
    ]);
    await waitFor(whole, { timeoutMs: 60_000, intervalMs: 100, what: 'the cluster to be whole on every node' });
  } catch (error) {
    const logs = ports.map((port) => `--- ${port}:\n${log(port)}`).join('\n');
    await cluster.stop();
    throw new Error(`${(error as Error).message}\n${logs}`, { cause: error });
  }
  return cluster;
}

/**
 * CLUSTER SHARDS: per primary, ['slots', [start, end, ...], 'nodes', [['id', id, 'port', port, ...,
 * 'role', 'master' | 'replica', ..., 'health', 'online' | 'failed' | 'loading'], ...]]. A primary
 * that lost its slots to its replica is a shard of its own, without slots, until it is back.
 */
function parseShards(reply: unknown): SlotRange[] {
  const ranges: SlotRange[] = [];
  for (const shard of reply as unknown[][]) {
    const fieldsOf = pairs(shard);
    const nodes = (fieldsOf.nodes as unknown[][]).map(pairs);
    const primary = nodes.find((node) => node.role === 'master');
    if (primary === undefined) continue;
    const replicas = nodes
      .filter((node) => node.role === 'replica' && node.health !== 'failed')
      .map((node) => Number(node.port));
    const bounds = (fieldsOf.slots as unknown[]).map(Number);
    for (let i = 0; i + 1 < bounds.length; i += 2) {
      ranges.push({
        start: bounds[i] as number,
        end: bounds[i + 1] as number,
        primary: Number(primary.port),
        replicas,
      });
    }
  }
  return ranges.sort((a, b) => a.start - b.start);
}

/** A reply of alternating names and values, as an object. */
function pairs(list: readonly unknown[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (let i = 0; i + 1 < list.length; i += 2) result[String(list[i])] = list[i + 1];
  return result;
}

/** CLUSTER INFO's name:value lines, as an object. */
function fields(reply: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const line of String(reply).split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) result[line.slice(0, colon)] = line.slice(colon + 1);
  }
  return result;
}

/**
 * `count` free ports whose cluster bus ports (port + 10000) are free too, all below the ephemeral range
 * (32768 and up on Linux), so that no outgoing connection takes one while its node is down.
 */
async function freeNodePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  for (let attempt = 0; ports.size < count; attempt++) {
    if (attempt > 1000) throw new Error(`no ${count} free port pairs found between 20000 and 32767`);
    const port = 20_000 + Math.floor(Math.random() * 2_700);
    if (ports.has(port)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) ports.add(port);
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
