// A Kafka of the test's own (three nodes, or one broker), started through infra/kafka.sh on free ports
// in a run directory of its own: a node can be killed and started again on its data, and `stop`
// removes everything.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Admin } from 'kafkajs';
import { loadConfig } from '../../config/index.ts';
import { connectAdmin, createKafka } from '../../kafka/index.ts';
import { createLogger } from '../../runtime/index.ts';
import { waitFor } from './wait-for.ts';

const KAFKA_SCRIPT = fileURLToPath(new URL('../../infra/kafka.sh', import.meta.url));
const run = promisify(execFile);

export interface KafkaClusterOptions {
  /** 3: brokers that are also the controller quorum, replication factor 3, min ISR 2; 1: one broker. */
  readonly nodes: 1 | 3;
  /** Java heap per node (KAFKA_HEAP); infra/kafka.sh's default when not given. */
  readonly heap?: string;
  /** How long the nodes may take to start; two loaded cores need tens of seconds for three. */
  readonly readyTimeoutMs?: number;
}

export interface PartitionState {
  /** The leader's node id, -1 while the partition has none. */
  readonly leader: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}

export interface KafkaCluster {
  /** KAFKA_BROKERS for this cluster: every node's client address, comma-separated. */
  readonly brokers: string;
  readonly nodeIds: readonly number[];
  /** A node's client address, 127.0.0.1:port. */
  address(nodeId: number): string;
  /** A node's directory: server.properties, broker.log, broker.pid, data/. */
  home(nodeId: number): string;
  /** Signals the node's broker process; for SIGKILL, SIGTERM and SIGINT, resolves once it has exited. */
  kill(nodeId: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped node again on its data; resolves once it is back in the cluster. */
  start(nodeId: number): Promise<void>;
  /**
   * Starts every node that is down, all at once, and resolves once each is back in the cluster.
   * (One at a time could wait for ever: a partition whose only in-sync replica is down has no
   * leader until that node is back, and metadata requests fail meanwhile.)
   */
  restore(): Promise<void>;
  /** Resolves once every partition of the topics has all its replicas in sync. */
  inSync(topics: readonly string[]): Promise<void>;
  /** The node id of the partition's leader, -1 while it has none. */
  leaderOf(topic: string, partition: number): Promise<number>;
  partition(topic: string, partition: number): Promise<PartitionState>;
  /** Runs `use` with an admin client of this cluster, disconnected afterwards. */
  withAdmin<T>(use: (admin: Admin) => Promise<T>): Promise<T>;
  /** Kills every node and deletes their data; idempotent (for afterAll). */
  stop(): Promise<void>;
}

/** Nodes still running when the test worker exits are killed, so no failed test leaves a JVM behind. */
const leftovers = new Map<string, () => number[]>();
process.on('exit', () => {
  for (const [runDir, pids] of leftovers) {
    for (const pid of pids()) killQuietly(pid, 'SIGKILL');
    rmSync(runDir, { recursive: true, force: true });
  }
});

export async function startKafkaCluster(options: KafkaClusterOptions): Promise<KafkaCluster> {
  const nodeIds = Array.from({ length: options.nodes }, (_, i) => i + 1);
  const firstPort = await freePortRun(2 * options.nodes);
  const runDir = mkdtempSync(join(tmpdir(), 'flowwatch-kafka-'));
  // Node n listens on firstPort + 2(n - 1) and its controller on the port after (infra/kafka.sh).
  const clientPort = (nodeId: number) => firstPort + 2 * (nodeId - 1);
  const env = {
    ...process.env,
    FLOWWATCH_RUN_DIR: runDir,
    KAFKA_NODES: String(options.nodes),
    KAFKA_PORT: String(firstPort),
    KAFKA_CONTROLLER_PORT: String(firstPort + 1),
    ...(options.heap === undefined ? {} : { KAFKA_HEAP: options.heap }),
  };
  const address = (nodeId: number) => `127.0.0.1:${clientPort(nodeId)}`;
  const home = (nodeId: number) => join(runDir, `kafka-${clientPort(nodeId)}`);
  const brokers = nodeIds.map(address).join(',');
  // The pid file's process, if it is still this node's broker (a pid can be reused once it is gone).
  const pidOf = (nodeId: number): number | undefined => {
    const file = join(home(nodeId), 'broker.pid');
    const pid = existsSync(file) ? Number(readFileSync(file, 'utf8')) : undefined;
    return pid !== undefined && alive(pid) && commandLine(pid).includes(join(home(nodeId), 'server.properties'))
      ? pid
      : undefined;
  };
  leftovers.set(runDir, () => nodeIds.flatMap((id) => pidOf(id) ?? []));

  const withAdminOf = async <T>(list: string, use: (admin: Admin) => Promise<T>): Promise<T> => {
    const config = loadConfig({ ...process.env, KAFKA_BROKERS: list });
    const admin = await connectAdmin(
      createKafka(config, createLogger('silent'), 'flowwatch-test-cluster', 'quick'),
      config,
    );
    try {
      return await use(admin);
    } finally {
      await admin.disconnect();
    }
  };
  const withAdmin = <T>(use: (admin: Admin) => Promise<T>) => withAdminOf(brokers, use);
  // A broker opens its client port only once it has caught up and the controller has unfenced it, so
  // a node that lists itself is in the cluster.
  const listsItself = (nodeId: number) =>
    withAdminOf(address(nodeId), async (admin) =>
      (await admin.describeCluster()).brokers.some((b) => b.nodeId === nodeId),
    );
  const brokerLogTails = () =>
    nodeIds
      .map((id) => {
        const log = join(home(id), 'broker.log');
        const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '(no log)';
        return `--- node ${id} (${address(id)}):\n${tail}`;
      })
      .join('\n');
  const explained = (error: Error) => new Error(`${error.message}\n${brokerLogTails()}`, { cause: error });

  const kill = async (nodeId: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const pid = pidOf(nodeId);
    if (pid === undefined) return;
    killQuietly(pid, signal);
    if (signal !== 'SIGKILL' && signal !== 'SIGTERM' && signal !== 'SIGINT') return;
    await waitFor(() => !alive(pid), { timeoutMs: 60_000, what: `node ${nodeId} (pid ${pid}) to exit` });
  };

  const partition = (topic: string, partitionId: number): Promise<PartitionState> =>
    // Metadata requests fail for a moment while a node dies or comes back: ask again.
    waitFor(
      () =>
        withAdmin(async (admin) => {
          const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
          const found = metadata.topics[0]?.partitions.find((p) => p.partitionId === partitionId);
          if (found === undefined) throw new Error(`no partition ${topic}-${partitionId}`);
          return { leader: found.leader, replicas: found.replicas, isr: found.isr };
        }),
      { timeoutMs: 30_000, intervalMs: 250, what: `metadata of ${topic}-${partitionId}` },
    );

  let stopping: Promise<void> | undefined;
  const cluster: KafkaCluster = {
    brokers,
    nodeIds,
    address,
    home,
    kill,
    start: async (nodeId) => {
      await run(KAFKA_SCRIPT, ['start-node', String(nodeId)], { env });
      await waitFor(() => listsItself(nodeId), {
        timeoutMs: options.readyTimeoutMs ?? 120_000,
        intervalMs: 250,
        what: `node ${nodeId} back in the cluster`,
      }).catch((error: Error) => {
        throw explained(error);
      });
    },
    restore: async () => {
      const down = nodeIds.filter((id) => pidOf(id) === undefined);
      for (const nodeId of down) await run(KAFKA_SCRIPT, ['start-node', String(nodeId)], { env });
      for (const nodeId of down) {
        await waitFor(() => listsItself(nodeId), {
          timeoutMs: options.readyTimeoutMs ?? 120_000,
          intervalMs: 250,
          what: `node ${nodeId} back in the cluster`,
        }).catch((error: Error) => {
          throw explained(error);
        });
      }
    },
    inSync: async (topics) => {
      await waitFor(
        () =>
          withAdmin(async (admin) => {
            const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
            return metadata.topics.every((t) => t.partitions.every((p) => p.isr.length === p.replicas.length));
          }),
        { timeoutMs: 60_000, intervalMs: 250, what: `every replica of ${topics} in sync` },
      );
    },
    partition,
    leaderOf: async (topic, partitionId) => (await partition(topic, partitionId)).leader,
    withAdmin,
    // The data goes too, so there is nothing to shut down cleanly for: SIGKILL is quickest.
    stop: () => {
      stopping ??= (async () => {
        await Promise.all(nodeIds.map((id) => kill(id, 'SIGKILL')));
        rmSync(runDir, { recursive: true, force: true });
        leftovers.delete(runDir);
      })();
      return stopping;
    },
  };

  try {
    await run(KAFKA_SCRIPT, ['start'], { env });
    await waitFor(() => withAdmin(async (admin) => (await admin.describeCluster()).brokers.length === nodeIds.length), {
      timeoutMs: options.readyTimeoutMs ?? 120_000,
      intervalMs: 250,
      what: `${nodeIds.length} Kafka broker(s) at ${brokers}`,
    });
  } catch (error) {
    const failure = explained(error as Error);
    await cluster.stop();
    throw failure;
  }
  return cluster;
}

/** Alive and not a zombie: a killed broker whose parent has not reaped it yet counts as gone. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * The first of `count` consecutive free ports. Taken below the ephemeral range (32768 and up on
 * Linux), so that no outgoing connection, such as one broker's to another, takes one of them between
 * this check and the broker's bind.
 */
async function freePortRun(count: number): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * 12_000);
    const ports = Array.from({ length: count }, (_, i) => first + i);
    if ((await Promise.all(ports.map(portFree))).every(Boolean)) return first;
  }
  throw new Error(`no ${count} consecutive free ports found between 20000 and 32000`);
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
