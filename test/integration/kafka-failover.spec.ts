// A three-node Kafka cluster of the test's own (replication factor 3, min ISR 2): partition leaders
// and brokers die while the producer and the consumers run. Nothing is lost, nothing is duplicated,
// no member exits, stops are prompt and what they report is true; a producer killed during a
// failover and run again publishes each line once.
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import type { ProduceSummary } from '../../producer/index.ts';
import { createRedis, StateReader } from '../../state/index.ts';
import type { RunningCli } from '../support/cli.ts';
import { explain, runCli, spawnCli } from '../support/cli.ts';
import { type KafkaCluster, startKafkaCluster } from '../support/kafka-cluster.ts';
import { consumeToEnd, expectStateEqualsFile, namedRuns, pipelineEnv, startConsumer } from '../support/pipeline.ts';
import type { TestNames } from '../support/test-names.ts';
import { expectEachLineOnce, fileLines, fileWithInvalidLines, lineCounts } from '../support/topic-lines.ts';
import { waitFor, within } from '../support/wait-for.ts';

const config = loadConfig(process.env);
const redis = createRedis(config);
const runs = namedRuns(redis);
let cluster: KafkaCluster;
/** Three JVMs, the producer, the members and Redis share two cores: a fault test takes minutes. */
const FAULT_TEST_TIMEOUT_MS = 300_000;
let env: Record<string, string>;

beforeAll(async () => {
  cluster = await startKafkaCluster({ nodes: 3 });
  env = { KAFKA_BROKERS: cluster.brokers };
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
  await runs.cleanup();
  redis.disconnect();
});

/** Messages written to the topic so far (the sum of its partitions' end offsets). */
async function written(topic: string): Promise<number> {
  return cluster.withAdmin(async (admin) =>
    (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0),
  );
}

/** For a failure's message: each partition's leader and in-sync replicas. */
async function partitionsNow(topics: readonly string[]): Promise<string> {
  return cluster
    .withAdmin((admin) => admin.fetchTopicMetadata({ topics: [...topics] }))
    .then(
      ({ topics: described }) =>
        described
          .flatMap((t) =>
            t.partitions.map((p) => `${t.name}/${p.partitionId} leader ${p.leader} isr ${p.isr.join(',')}`),
          )
          .join('; '),
      (error: Error) => `partitions unknown (${error.message})`,
    );
}

/** For a failure's message: what `written` says, or that it cannot say while a leader is missing. */
async function writtenSoFar(topic: string): Promise<string> {
  return written(topic).then(String, () => 'unknown (a partition has no leader)');
}

function startProducer(names: TestNames, file: string, rate: number): RunningCli {
  return spawnCli(['produce', file, '--json', '--no-progress', '--rate', String(rate)], pipelineEnv(names, env));
}

function summaryOf(stdout: string): ProduceSummary {
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as ProduceSummary;
}

async function stopAll(processes: readonly RunningCli[]): Promise<void> {
  for (const p of processes) p.child.kill('SIGKILL');
  await Promise.all(processes.map((p) => p.done));
}

/** The restart of the nodes a test left down, under way while the test checks what was counted. */
let restoring: Promise<void> = Promise.resolve();

/**
 * Starts every node that is down again, so the next test has its three. Not awaited by the test: its
 * checks need no third node, and a JVM's start takes as long as they do. The test's afterEach awaits
 * it, so a node that cannot come back fails the test that stopped it.
 */
function restoreCluster(): void {
  restoring = cluster.restore();
  restoring.catch(() => {}); // awaited, and reported, in afterEach
}

afterEach(async () => {
  await restoring;
});

describe('on a three-node cluster', () => {
  it("creates replicated topics (the brokers' default, or as asked) and refuses too few or too many replicas", async () => {
    const names = runs.named('replicas');
    const file = fileWithInvalidLines(2000, 70, 500);
    const produced = await runCli(['produce', file, '--json', '--no-progress'], pipelineEnv(names, env));
    expect(produced.code, produced.stderr).toBe(0);
    for (const topic of [names.topic, deadLetterTopic(names.topic)]) {
      const state = await cluster.partition(topic, 0);
      expect(state.replicas).toHaveLength(3);
    }

    const tooMany = await runCli(
      ['--replication-factor', '4', 'produce', file, '--no-progress'],
      pipelineEnv(runs.named('four'), env),
    );
    expect(tooMany.code).toBe(2);
    expect(tooMany.stderr.trim()).toBe(
      'flowwatch: 4 replicas per partition were asked for, but the cluster has 3 brokers answering; ask for at most 3 (--replication-factor, FLOWWATCH_REPLICATION_FACTOR), or start the brokers that are down (FW_KAFKA_TOPIC_LAYOUT)',
    );

    const single = runs.named('single');
    await cluster.withAdmin((admin) =>
      admin.createTopics({ topics: [{ topic: single.topic, numPartitions: 2, replicationFactor: 1 }] }),
    );
    const underReplicated = await runCli(['produce', file, '--no-progress'], pipelineEnv(single, env));
    expect(underReplicated.code).toBe(2);
    expect(underReplicated.stderr.trim()).toMatch(
      new RegExp(`^flowwatch: topic ${single.topic} has 1 replica per partition, fewer than the 3 asked for: .+$`),
    );
    const consumer = await runCli(['consume', '--exit-when-caught-up'], pipelineEnv(single, env));
    expect(consumer.code).toBe(2);
    expect(consumer.stderr.trim().split('\n')).toHaveLength(1);
    const asked = await runCli(
      ['--replication-factor', '1', 'produce', file, '--json', '--no-progress'],
      pipelineEnv(single, env),
    );
    expect(asked.code, asked.stderr).toBe(0);
    // Gone before the tests that stop a node: a partition without a leader anywhere in the cluster
    // (this RF 1 topic's, on the stopped node) fails kafkajs' whole-cluster metadata requests.
    await cluster.withAdmin((admin) => admin.deleteTopics({ topics: [single.topic, deadLetterTopic(single.topic)] }));
  });

  // Early, half way and late: each moment a test of its own, so a slow machine times out one, not all.
  for (const [round, share] of [0.1, 0.45, 0.8].entries()) {
    it(
      `loses and duplicates nothing when a partition leader is SIGKILLed mid-produce, ${share * 100}% in`,
      async () => {
        const names = runs.named(`leader${round}`);
        const file = fileWithInvalidLines(150_000, 40 + round, 5000);
        const lines = fileLines(file);
        // The status table on, as a user runs a member: it reads offsets from the brokers too.
        const members = [0, 1].map(() => startConsumer(names, ['--status-interval-ms', '1000'], env));
        const producer = startProducer(names, file, 30_000);
        const all = [producer, ...members];
        try {
          await waitFor(async () => (await written(names.topic)) >= share * lines.valid.length, {
            timeoutMs: 90_000,
            what: `${share * 100}% of the file in the topic`,
          }).catch(explain(all));
          // The fault under test: a leader dies while its followers are in sync (a partition whose
          // only in-sync replica dies is offline until it returns, which no client can change).
          await cluster.inSync([names.topic, deadLetterTopic(names.topic)]);
          const leader = await cluster.leaderOf(names.topic, 0);
          await cluster.kill(leader, 'SIGKILL');

          const produced = await within(producer.done, 120_000, 'the producer').catch(explain(all));
          expect(produced.code, produced.stderr.slice(-2000)).toBe(0);
          const summary = summaryOf(produced.stdout);
          expect(summary.complete).toBe(true);
          expect(summary.flowsPublished).toBe(lines.valid.length);
          expect(summary.invalidLines).toBe(lines.invalid.length);
          await expectEachLineOnce(cluster.brokers, names.topic, lines.valid, `${names.group}-read`);
          await expectEachLineOnce(cluster.brokers, deadLetterTopic(names.topic), lines.invalid, `${names.group}-dlq`);

          await waitFor(async () => (await new StateReader(redis, names.prefix).totals()).flows >= lines.valid.length, {
            timeoutMs: 120_000,
            what: 'the members to count every flow',
          }).catch(explain(all));
          for (const member of members) expect(member.child.exitCode, member.output().stderr.slice(-2000)).toBeNull();
        } finally {
          await stopAll(all);
          restoreCluster();
        }
        await consumeToEnd(names, env);
        await expectStateEqualsFile(redis, names.prefix, file);
      },
      FAULT_TEST_TIMEOUT_MS,
    );
  }

  it(
    'resumes a producer SIGKILLed while a partition has no leader, and again later: each line once, exact',
    async () => {
      const names = runs.named('resume');
      const file = fileWithInvalidLines(150_000, 45, 4999);
      const lines = fileLines(file);
      const kills: string[] = [];
      let producer = startProducer(names, file, 30_000);
      try {
        // Run 1: the leader of partition 0 dies mid-produce, and the producer a moment later, while the
        // controller has not yet noticed (about 9 s): the last requests may or may not have been written.
        await waitFor(async () => (await written(names.topic)) >= 0.2 * lines.valid.length, {
          timeoutMs: 90_000,
          what: '20% of the file in the topic',
        }).catch(explain([producer]));
        // As above: the followers in sync when the leader dies, so the partition gets a new leader.
        await cluster.inSync([names.topic, deadLetterTopic(names.topic)]);
        const leader = await cluster.leaderOf(names.topic, 0);
        await cluster.kill(leader, 'SIGKILL');
        await sleep(randomInt(100, 2000));
        producer.child.kill('SIGKILL');
        expect((await producer.done).signal).toBe('SIGKILL');
        kills.push(`leader ${leader} and producer at ${await writtenSoFar(names.topic)}`);

        // Run 2 at once, while partition 0 has no leader: it waits for one, reads where the stream
        // stops while leadership moves (the node is started again meanwhile), goes on, and is killed
        // at 60% of the file, or after a minute if the cluster keeps it waiting longer (any moment
        // will do for the kill; a loaded cluster can keep new clients waiting for minutes).
        producer = startProducer(names, file, 30_000);
        const back = cluster.start(leader);
        back.catch(() => {}); // awaited below, where a failure to start is reported
        const reached = await waitFor(async () => (await written(names.topic)) >= 0.6 * lines.valid.length, {
          timeoutMs: 60_000,
          what: '60% of the file in the topic',
        }).then(
          () => '60%',
          async () => `a minute, the topic still short of 60% (${await partitionsNow([names.topic])})`,
        );
        producer.child.kill('SIGKILL');
        const second = await producer.done;
        // The kill may come after the end (the topic's count can lag while leadership moves): then
        // the run finished the file, exit 0, and run 3 must find nothing left to publish.
        if (second.signal !== 'SIGKILL') expect(second.code, second.stderr.slice(-2000)).toBe(0);
        kills.push(
          second.signal === 'SIGKILL'
            ? `producer after ${reached}, at ${await writtenSoFar(names.topic)}`
            : `producer finished by itself before ${reached}`,
        );
        await back;

        // Run 3 to the end.
        producer = spawnCli(['produce', file, '--json', '--no-progress'], pipelineEnv(names, env));
        const produced = await within(producer.done, 180_000, `the last run (${kills.join(', ')})`).catch(
          explain([producer]),
        );
        expect(produced.code, produced.stderr.slice(-2000)).toBe(0);
        const summary = summaryOf(produced.stdout);
        expect(summary, kills.join(', ')).toMatchObject({ complete: true, stream: 1, resumed: true });
        expect(summary.flowsAlreadyInTopic + summary.flowsPublished).toBe(lines.valid.length);
        await expectEachLineOnce(cluster.brokers, names.topic, lines.valid, `${names.group}-read`);
        await expectEachLineOnce(cluster.brokers, deadLetterTopic(names.topic), lines.invalid, `${names.group}-dlq`);
      } finally {
        await stopAll([producer]);
        restoreCluster();
      }
      await consumeToEnd(names, env);
      await expectStateEqualsFile(redis, names.prefix, file);
    },
    FAULT_TEST_TIMEOUT_MS,
  );

  it(
    'starts a member and producers (fresh and resumed) while a node is down, each to the end: exact',
    async () => {
      const resumed = runs.named('down-resume');
      const fresh = runs.named('down-fresh');
      const file = fileWithInvalidLines(60_000, 47, 3001);
      const freshFile = fileWithInvalidLines(20_000, 48, 1001);
      const lines = fileLines(file);
      const freshLines = fileLines(freshFile);
      // Both runs' topics exist, three replicas each, before the node stops; a producer is killed mid-file.
      await consumeToEnd(fresh, env);
      let producer = startProducer(resumed, file, 20_000);
      try {
        await waitFor(async () => (await written(resumed.topic)) >= 0.3 * lines.valid.length, {
          timeoutMs: 90_000,
          what: '30% of the file in the topic',
        }).catch(explain([producer]));
        producer.child.kill('SIGKILL');
        await producer.done;
        const topics = [resumed.topic, deadLetterTopic(resumed.topic), fresh.topic, deadLetterTopic(fresh.topic)];
        await cluster.inSync(topics);
        const down = await cluster.leaderOf(resumed.topic, 0);
        await cluster.kill(down, 'SIGKILL');
        // The controller has fenced the node (the brokers list two) and every partition has a leader
        // again (a metadata request fails while one has none); a loaded machine can take a minute or two.
        await waitFor(
          () =>
            cluster.withAdmin(async (admin) => {
              const present = (await admin.describeCluster()).brokers.length;
              const metadata = await admin.fetchTopicMetadata({ topics });
              return present === 2 && metadata.topics.every((t) => t.partitions.every((p) => p.leader !== -1));
            }),
          { timeoutMs: 180_000, intervalMs: 500, what: `node ${down} fenced and every partition led` },
        ).catch(async (error: Error) => {
          const each = await Promise.all(topics.map((t) => partitionsNow([t])));
          throw new Error(`${error.message}\n${each.join('\n')}`, { cause: error });
        });

        producer = spawnCli(['produce', file, '--json', '--no-progress'], pipelineEnv(resumed, env));
        const again = await within(producer.done, 120_000, 'the resumed producer').catch(explain([producer]));
        expect(again.code, again.stderr.slice(-2000)).toBe(0);
        expect(again.stderr).toContain('1 of 3 brokers is not answering');
        const summary = summaryOf(again.stdout);
        expect(summary).toMatchObject({ complete: true, resumed: true, stream: 1 });
        expect(summary.flowsAlreadyInTopic + summary.flowsPublished).toBe(lines.valid.length);

        producer = spawnCli(['produce', freshFile, '--json', '--no-progress'], pipelineEnv(fresh, env));
        const first = await within(producer.done, 120_000, 'the fresh producer').catch(explain([producer]));
        expect(first.code, first.stderr.slice(-2000)).toBe(0);
        expect(summaryOf(first.stdout)).toMatchObject({ complete: true, resumed: false });
        expect(summaryOf(first.stdout).flowsPublished).toBe(freshLines.valid.length);

        // Members started now, during the outage, catch up and exit 0.
        for (const names of [resumed, fresh]) expect((await consumeToEnd(names, env)).code).toBe(0);
        await expectStateEqualsFile(redis, resumed.prefix, file);
        await expectStateEqualsFile(redis, fresh.prefix, freshFile);
        await expectEachLineOnce(cluster.brokers, resumed.topic, lines.valid, `${resumed.group}-read`);
        await expectEachLineOnce(cluster.brokers, fresh.topic, freshLines.valid, `${fresh.group}-read`);

        // Creating a topic is what needs the brokers present: three replicas on two is refused.
        const created = await runCli(['produce', freshFile, '--no-progress'], pipelineEnv(runs.named('down-new'), env));
        expect(created.code).toBe(2);
        // Its last line: kafkajs warns first of the node that refuses connections.
        expect(created.stderr.trim().split('\n').at(-1)).toMatch(
          /^flowwatch: 3 replicas per partition were asked for, but the cluster has 2 brokers answering; .+ \(FW_KAFKA_TOPIC_LAYOUT\)$/,
        );
      } finally {
        await stopAll([producer]);
        restoreCluster();
      }
    },
    // Three runs one after another, behind a failover the controller needs up to minutes for when loaded.
    FAULT_TEST_TIMEOUT_MS + 120_000,
  );

  it(
    'keeps every member running through a broker SIGKILLed and started again, exactly',
    async () => {
      const names = runs.named('broker');
      const file = fileWithInvalidLines(200_000, 50, 7000);
      const lines = fileLines(file);
      const members = [startConsumer(names, [], env), startConsumer(names, [], env)];
      const producer = startProducer(names, file, 25_000);
      const all = [producer, ...members];
      try {
        await waitFor(async () => (await new StateReader(redis, names.prefix).totals()).flows > 40_000, {
          timeoutMs: 90_000,
          what: 'the members to count 40,000 flows',
        }).catch(explain(all));
        // The node leading partition 1 also serves other partitions and, likely, the group's coordinator.
        await cluster.inSync([names.topic, deadLetterTopic(names.topic)]);
        const victim = await cluster.leaderOf(names.topic, 1);
        await cluster.kill(victim, 'SIGKILL');
        await waitFor(async () => (await new StateReader(redis, names.prefix).totals()).flows > 100_000, {
          timeoutMs: 90_000,
          what: 'counting to go on with a broker down',
        }).catch(explain(all));
        await cluster.restore();
        const produced = await within(producer.done, 120_000, 'the producer').catch(explain(all));
        expect(produced.code, produced.stderr.slice(-2000)).toBe(0);
        await waitFor(async () => (await new StateReader(redis, names.prefix).totals()).flows >= lines.valid.length, {
          timeoutMs: 120_000,
          what: 'the members to count every flow',
        }).catch(explain(all));
        for (const member of members) expect(member.child.exitCode, member.output().stderr.slice(-2000)).toBeNull();
      } finally {
        await stopAll(all);
        restoreCluster();
      }
      await consumeToEnd(names, env);
      await expectStateEqualsFile(redis, names.prefix, file);
    },
    FAULT_TEST_TIMEOUT_MS,
  );

  it(
    'stops the producer and a consumer promptly on SIGTERM while a broker is down, and reports the truth',
    async () => {
      const names = runs.named('sigterm');
      const file = fileWithInvalidLines(300_000, 60, 10_000);
      const lines = fileLines(file);
      const member = startConsumer(names, [], env);
      const producer = startProducer(names, file, 20_000);
      const all = [producer, member];
      try {
        await waitFor(async () => (await new StateReader(redis, names.prefix).totals()).flows > 30_000, {
          timeoutMs: 90_000,
          what: 'the member to count 30,000 flows',
        }).catch(explain(all));
        // A broker down: the leader of partition 0, which likely also coordinates the group.
        await cluster.inSync([names.topic, deadLetterTopic(names.topic)]);
        await cluster.kill(await cluster.leaderOf(names.topic, 0), 'SIGKILL');

        const asked = Date.now();
        producer.child.kill('SIGTERM');
        member.child.kill('SIGTERM');
        const [produced, consumed] = await Promise.all([
          within(producer.done, 20_000, 'the producer to stop'),
          within(member.done, 20_000, 'the consumer to stop'),
        ]).catch(explain(all));
        expect(Date.now() - asked).toBeLessThan(20_000);
        expect(produced.code, produced.stderr.slice(-2000)).toBe(130);
        expect(consumed.code, consumed.stderr.slice(-2000)).toBe(0);
        const summary = summaryOf(produced.stdout);
        expect(summary.complete).toBe(false);

        await cluster.restore();
        await cluster.inSync([names.topic, deadLetterTopic(names.topic)]);
        // What the producer reported as published is in the topic, once; what it reported as
        // unconfirmed may be; nothing else is.
        const counts = await lineCounts(cluster.brokers, names.topic, `${names.group}-read`);
        const inTopic = [...counts.values()].reduce((sum, n) => sum + n, 0);
        expect([...counts.values()].every((n) => n === 1)).toBe(true);
        expect(inTopic).toBeGreaterThanOrEqual(summary.flowsPublished);
        expect(inTopic).toBeLessThanOrEqual(summary.flowsPublished + summary.flowsUnconfirmed);
        for (const line of lines.valid.filter((l) => l <= summary.lastLineDelivered)) {
          if (counts.get(line) !== 1) expect.fail(`line ${line}, reported delivered, is not in the topic`);
        }
      } finally {
        await stopAll(all);
        restoreCluster();
      }
      // What the consumer applied before it stopped is exact: a member picks up from there.
      const caughtUp = await consumeToEnd(names, env);
      expect(caughtUp.code).toBe(0);
      const totals = await new StateReader(redis, names.prefix).totals();
      expect(totals.flows).toBe(await written(names.topic));
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});
