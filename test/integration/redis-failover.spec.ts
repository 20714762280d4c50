// The state on a Redis that fails over: a Sentinel set-up whose primary is SIGKILLed while its
// replica lags behind it (so the promoted replica's state goes back, and the consumers re-apply from
// Kafka), and a Redis Cluster whose primary for the state's slot is SIGKILLed. Each ends exact, and
// verify, top and the dashboard read the state there. Each set-up is the test's own.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { ConsumerEvents } from '../../consumer/index.ts';
import { connectAdmin, createKafka } from '../../kafka/index.ts';
import { createLogger } from '../../runtime/index.ts';
import { createRedis, type RedisClient, StateReader, stateKeys } from '../../state/index.ts';
import { explain, type RunningCli, runCli, spawnCli } from '../support/cli.ts';
import { dashboardSnapshotWhere } from '../support/dashboard-events.ts';
import { groundTruth } from '../support/ground-truth.ts';
import {
  consumeToEnd,
  expectStateEqualsFile,
  generatedFile,
  pipelineEnv,
  produce,
  startConsumer,
} from '../support/pipeline.ts';
import { type RedisCluster, startRedisCluster } from '../support/redis-cluster.ts';
import { type RedisSentinelSetup, startRedisSentinel } from '../support/redis-sentinel.ts';
import { type TestNames, testNames } from '../support/test-names.ts';
import { waitFor, within } from '../support/wait-for.ts';

const config = loadConfig(process.env);

/** Failovers take seconds (sentinels: down-after 2 s; cluster: node timeout 3 s) on a loaded machine. */
const FAILOVER_TEST_TIMEOUT_MS = 240_000;

async function stopAll(processes: readonly RunningCli[]): Promise<void> {
  for (const p of processes) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.done));
}

function stateClient(env: Record<string, string>): RedisClient {
  return createRedis(loadConfig({ ...process.env, ...env }), { maxRetriesPerRequest: null });
}

/** Messages of the flow topic whose offsets the group has committed to Kafka. */
async function committed(names: TestNames): Promise<number> {
  const admin = await connectAdmin(createKafka(config, createLogger('silent'), 'flowwatch-test-offsets'), config);
  try {
    const [topic] = await admin.fetchOffsets({ groupId: names.group, topics: [names.topic] });
    return (topic?.partitions ?? []).reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
  } finally {
    await admin.disconnect();
  }
}

const flowsIn = async (client: RedisClient, prefix: string) => (await new StateReader(client, prefix).totals()).flows;

/** verify, top and the dashboard, run against the set-up, each agree with the file. */
async function expectReadersAgree(names: TestNames, env: Record<string, string>, file: string): Promise<void> {
  const truth = groundTruth(file);
  const verified = await runCli(['verify', file], pipelineEnv(names, env));
  expect(verified.code, verified.stderr).toBe(0);
  const top = await runCli(['top', '-n', '3', '--json'], pipelineEnv(names, env));
  expect(top.code, top.stderr).toBe(0);
  const best = [...truth.scores.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  expect(top.stdout).toContain(String(best?.[0]));
  const dashboard = spawnCli(['dashboard', '--port', '0', '--interval-ms', '200'], pipelineEnv(names, env));
  try {
    const url = await waitFor(
      () => /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(dashboard.output().stdout)?.[1],
      { timeoutMs: 30_000, what: 'the dashboard address' },
    ).catch(explain([dashboard]));
    const snapshot = await dashboardSnapshotWhere(url, (s) => s.totals !== null, 30_000);
    expect(snapshot.totals?.flows).toBe(truth.flows);
    expect(snapshot.totals?.webRequests).toBe(truth.webRequests);
  } finally {
    await stopAll([dashboard]);
  }
}

describe('on Redis Sentinel (a primary, a replica, three sentinels)', () => {
  let setup: RedisSentinelSetup;
  let env: Record<string, string>;
  let client: RedisClient;

  beforeAll(async () => {
    setup = await startRedisSentinel();
    env = { ...setup.env() };
    client = stateClient(env);
  }, 120_000);

  afterAll(async () => {
    client?.disconnect();
    await setup?.stop();
  });

  it(
    'stays exact when the primary is SIGKILLed while its replica lags: the state goes back and is re-applied',
    async () => {
      const names = testNames('sentinel');
      const file = generatedFile(200_000, 61);
      const producer = spawnCli(['produce', file, '--json', '--no-progress', '--rate', '20000'], pipelineEnv(names));
      const members = [startConsumer(names, [], env), startConsumer(names, [], env)];
      const all = [producer, ...members];
      let killed: number | undefined;
      try {
        await waitFor(async () => (await flowsIn(client, names.prefix)) > 30_000, {
          timeoutMs: 90_000,
          what: 'the members to count 30,000 flows',
        }).catch(explain(all));
        // The replica falls behind: its replication stream is held while the members go on writing.
        await setup.inSync();
        const first = await setup.primaryPort();
        setup.proxy.holdReplies('replication');
        const heldAt = await flowsIn(client, names.prefix);
        await waitFor(async () => (await flowsIn(client, names.prefix)) > heldAt + 20_000, {
          timeoutMs: 90_000,
          what: '20,000 more flows counted on the primary alone',
        }).catch(explain(all));
        // The members are frozen across the failover, so that what the promoted replica holds can be
        // read before they write to it (they follow the sentinels' announcement at once).
        for (const member of members) member.child.kill('SIGSTOP');
        const appliedOnPrimary = await new StateReader(client, names.prefix).appliedOffsets();
        await setup.kill(first, 'SIGKILL');
        killed = first;
        setup.proxy.cut();
        const promoted = await setup.waitForPromotion(first, { timeoutMs: 60_000 });

        // The promoted replica's state is an earlier consistent point: its offsets went back.
        const direct = new Redis(promoted, '127.0.0.1');
        let appliedOnPromoted: Map<string, number>;
        try {
          appliedOnPromoted = await new StateReader(direct, names.prefix).appliedOffsets();
        } finally {
          direct.disconnect();
        }
        for (const member of members) member.child.kill('SIGCONT');
        const wentBack = [...appliedOnPrimary].filter(([id, next]) => (appliedOnPromoted.get(id) ?? 0) < next);
        expect(wentBack.length, 'partitions whose stored offset went back with the failover').toBeGreaterThan(0);

        // The members find their next batch does not start where the state now stands and apply
        // again from there: the exact end below is only reachable that way.
        const produced = await within(producer.done, 120_000, 'the producer').catch(explain(all));
        expect(produced.code, produced.stderr).toBe(0);
        const valid = groundTruth(file).flows;
        await waitFor(async () => (await flowsIn(client, names.prefix)) >= valid, {
          timeoutMs: 120_000,
          what: 'the members to count every flow on the new primary',
        }).catch(explain(all));
        for (const member of members) expect(member.child.exitCode, member.output().stderr.slice(-2000)).toBeNull();
      } finally {
        for (const member of members) member.child.kill('SIGCONT');
        setup.proxy.release();
        await stopAll(all);
        // Back, the old primary is made a replica of the new one by the sentinels.
        if (killed !== undefined) await setup.start(killed);
      }
      await consumeToEnd(names, env);
      await expectStateEqualsFile(client, names.prefix, file);
      await expectReadersAgree(names, env, file);
    },
    FAILOVER_TEST_TIMEOUT_MS,
  );

  it(
    'with --redis-wait-replicas 1, holds the Kafka commit while the replica is down and goes on when it is back',
    async () => {
      const names = testNames('wait');
      const file = generatedFile(60_000, 62);
      await produce(names, file);
      // Whichever node is the primary now, the other replicates it.
      await setup.inSync({ timeoutMs: 60_000 });
      const primary = await setup.primaryPort();
      const replica = setup.nodePorts.find((port) => port !== primary) as number;
      const waiting = { ...env, FLOWWATCH_REDIS_WAIT_REPLICAS: '1', FLOWWATCH_REDIS_WAIT_TIMEOUT_MS: '200' };
      await setup.kill(replica, 'SIGKILL');
      const member = startConsumer(names, [], waiting);
      try {
        await waitFor(() => member.eventsOf(ConsumerEvents.REPLICAS_BEHIND).length >= 3, {
          timeoutMs: 60_000,
          what: 'the member to wait for the replica',
        }).catch(explain([member]));
        // Applied on the primary, but not reported applied nor committed while no replica holds it.
        expect(member.eventsOf(ConsumerEvents.BATCH_APPLIED)).toHaveLength(0);
        expect(await committed(names)).toBe(0);
        await setup.start(replica);
        await waitFor(async () => (await flowsIn(client, names.prefix)) >= groundTruth(file).flows, {
          timeoutMs: 90_000,
          what: 'the member to count the file once the replica is back',
        }).catch(explain([member]));
        await waitFor(() => member.eventsOf(ConsumerEvents.BATCH_APPLIED).length > 0, {
          timeoutMs: 30_000,
          what: 'batches reported applied',
        });
        await waitFor(async () => (await committed(names)) > 0, { timeoutMs: 30_000, what: 'offsets committed' });
      } finally {
        await stopAll([member]);
      }
      await consumeToEnd(names, waiting);
      await expectStateEqualsFile(client, names.prefix, file);
    },
    FAILOVER_TEST_TIMEOUT_MS,
  );
});

describe('on a Redis Cluster (three primaries, three replicas)', () => {
  let cluster: RedisCluster;

  beforeAll(async () => {
    cluster = await startRedisCluster();
  }, 120_000);

  afterAll(async () => {
    await cluster?.stop();
  });

  it(
    "stays exact when the primary of the state's slot is SIGKILLed mid-stream and its replica takes over",
    async () => {
      const names = testNames('cluster');
      // Every key of the state under one hash tag: one slot.
      const prefix = `{${names.prefix}}`;
      const env = { ...cluster.env(), FLOWWATCH_KEY_PREFIX: prefix };
      const client = stateClient(env);
      const file = generatedFile(200_000, 63);
      const producer = spawnCli(['produce', file, '--json', '--no-progress', '--rate', '20000'], pipelineEnv(names));
      const members = [startConsumer(names, [], env), startConsumer(names, [], env)];
      const all = [producer, ...members];
      try {
        await waitFor(async () => (await flowsIn(client, prefix)) > 30_000, {
          timeoutMs: 90_000,
          what: 'the members to count 30,000 flows',
        }).catch(explain(all));
        const slot = await cluster.slotOf(stateKeys.offsets(prefix));
        expect(await cluster.slotOf(stateKeys.hour(prefix, 33))).toBe(slot);
        const primary = await cluster.primaryOf(slot);
        await cluster.kill(primary, 'SIGKILL');
        await cluster.waitForTakeover(slot, primary, { timeoutMs: 60_000 });
        const produced = await within(producer.done, 120_000, 'the producer').catch(explain(all));
        expect(produced.code, produced.stderr).toBe(0);
        await waitFor(async () => (await flowsIn(client, prefix)) >= groundTruth(file).flows, {
          timeoutMs: 120_000,
          what: 'the members to count every flow on the new primary',
        }).catch(explain(all));
        for (const member of members) expect(member.child.exitCode, member.output().stderr.slice(-2000)).toBeNull();
        await cluster.start(primary);
      } finally {
        await stopAll(all);
      }
      await consumeToEnd(names, env);
      await expectStateEqualsFile(client, prefix, file);
      await expectReadersAgree({ ...names, prefix }, env, file);
      client.disconnect();
    },
    FAILOVER_TEST_TIMEOUT_MS,
  );
});
