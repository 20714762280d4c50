// Exactly-once counting through crashes, rebalances, zombies, Redis outages and state loss: after
// each ordeal, the state in Redis equals the answer recomputed from the file, exactly.

import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { ConsumerEvents, emptyTally } from '../../consumer/index.ts';
import { Header, headerText } from '../../flow/index.ts';
import { connectAdmin, createKafka, ensureTopics } from '../../kafka/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import { createLogger } from '../../runtime/index.ts';
import type { RedisClient } from '../../state/index.ts';
import { createRedis, partitionId, StateReader, StateWriter } from '../../state/index.ts';
import { explain, type RunningCli, spawnCli } from '../support/cli.ts';
import { HeldProxy } from '../support/held-proxy.ts';
import {
  consumeToEnd,
  deleteState,
  expectStateEqualsFile,
  generatedFile,
  namedRuns,
  pipelineEnv,
  produce,
  startConsumer,
} from '../support/pipeline.ts';
import { OwnRedis } from '../support/redis-server.ts';
import type { TestNames } from '../support/test-names.ts';
import { waitFor, within } from '../support/wait-for.ts';

const config = loadConfig(process.env);
const redis = createRedis(config);
const runs = namedRuns(redis);
const named = runs.named;

/** Flows a second while the zombie test runs: the big file lasts about 40 s. */
const ZOMBIE_PACE = 10_000;

/** A file big enough that one member needs several seconds for it. */
const BIG_FILE_FLOWS = 400_000;

/**
 * Flows a second for a test that acts on the state while flows are still arriving (about 10 s for
 * the big file): a member counts the whole file, already in its topic, in well under a second.
 */
const ARRIVING_PACE = 40_000;

let bigFile: string;

beforeAll(() => {
  bigFile = generatedFile(BIG_FILE_FLOWS, 11);
});

/** `names`' own topic, made empty, so that a member can hold its partitions before any flow arrives. */
async function makeTopic(names: TestNames): Promise<void> {
  const admin = await connectAdmin(createKafka(config, createLogger('silent'), 'flowwatch-test-arriving'), config);
  try {
    await ensureTopics(admin, names.topic);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Once `member` holds its partitions, the big file starts arriving at ARRIVING_PACE: however slowly
 * the member started, flows are still arriving while the test acts. The test awaits `producing`; a
 * failure before then is not an unhandled rejection meanwhile.
 */
async function arriveOnceClaimed(names: TestNames, member: RunningCli): Promise<{ producing: Promise<unknown> }> {
  await waitFor(() => member.eventsOf(ConsumerEvents.PARTITIONS_CLAIMED).length > 0, {
    timeoutMs: 60_000,
    what: 'the member to claim its partitions',
  }).catch(explain([member]));
  const producing = produce(names, bigFile, ['--rate', String(ARRIVING_PACE)]);
  producing.catch(() => undefined);
  return { producing };
}

/** A member counting `names`' own topic while the big file arrives (see arriveOnceClaimed). */
async function countWhileArriving(
  names: TestNames,
  env: Record<string, string> = {},
): Promise<{ member: RunningCli; producing: Promise<unknown> }> {
  await makeTopic(names);
  const member = startConsumer(names, [], env);
  return { member, ...(await arriveOnceClaimed(names, member)) };
}

afterAll(async () => {
  await runs.cleanup();
  redis.disconnect();
});

async function flowsCounted(prefix: string, client: RedisClient = redis): Promise<number> {
  return (await new StateReader(client, prefix).totals()).flows;
}

async function stopAll(members: RunningCli[]): Promise<void> {
  for (const member of members) if (member.child.exitCode === null) member.child.kill('SIGKILL');
  await Promise.all(members.map((m) => m.done));
}

describe('exactly once', () => {
  it('survives a member killed with SIGKILL at random points, restarted each time', async () => {
    const names = named('kill');
    await makeTopic(names);
    const kills = 4;
    let previous = 0;
    let producing: Promise<unknown> | undefined;
    try {
      for (let round = 0; round < kills && previous < BIG_FILE_FLOWS; round++) {
        const member = startConsumer(names);
        // The file arrives once the first member holds its partitions, so each kill lands mid-stream.
        producing ??= (await arriveOnceClaimed(names, member)).producing;
        // Kill at a random instant after the member has made some progress: mid-batch, mid-commit, anywhere.
        await waitFor(async () => (await flowsCounted(names.prefix)) > previous, {
          timeoutMs: 60_000,
          what: 'progress',
        });
        await sleep(Math.floor(Math.random() * 700));
        member.child.kill('SIGKILL');
        await member.done;
        previous = await flowsCounted(names.prefix);
      }
      await producing;
    } finally {
      await producing?.catch(() => undefined);
    }
    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, bigFile);
  });

  it('stays exact while a group of three changes: one starts late, one is killed, one leaves gracefully', async () => {
    const names = named('group');
    await makeTopic(names);
    const first = startConsumer(names);
    const second = startConsumer(names);
    let late: RunningCli | undefined;
    let producing: Promise<unknown> | undefined;
    try {
      producing = (await arriveOnceClaimed(names, first)).producing;
      await waitFor(async () => (await flowsCounted(names.prefix)) > 50_000, { timeoutMs: 60_000, what: 'progress' });
      late = startConsumer(names);
      await waitFor(async () => (await flowsCounted(names.prefix)) > 150_000, { timeoutMs: 60_000, what: 'progress' });
      first.child.kill('SIGKILL');
      // The graceful leave comes once the killed member is gone, its partitions still held.
      await within(first.done, 10_000, 'the killed member to exit');
      second.child.kill('SIGTERM');
      const graceful = await within(second.done, 60_000, 'the graceful member to leave').catch((error: Error) => {
        throw new Error(`${error.message}\n${second.output().stderr.slice(-3000)}`);
      });
      expect(graceful.code, graceful.stderr).toBe(0);
      // The late member alone takes over everything and finishes the stream.
      await waitFor(async () => (await flowsCounted(names.prefix)) >= BIG_FILE_FLOWS, {
        timeoutMs: 120_000,
        what: 'the rest',
      });
      late.child.kill('SIGTERM');
      expect((await within(late.done, 60_000, 'the late member to leave')).code).toBe(0);
      await producing;
    } catch (error) {
      const tails = [first, second, late].map((m) => m?.output().stderr.slice(-2000) ?? '').join('\n---\n');
      throw new Error(`${(error as Error).message}\n${tails}`);
    } finally {
      await stopAll(late === undefined ? [first, second] : [first, second, late]);
      await producing?.catch(() => undefined);
    }
    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, bigFile);
  });

  it('refuses a write from a member whose partitions were claimed by a newer one (zombie fencing)', async () => {
    const names = named('zombie');
    const partition = partitionId(names.topic, 0);
    const zombieConnection = createRedis(config);
    const zombie = new StateWriter(zombieConnection, names.prefix);
    const ownerConnection = createRedis(config);
    const owner = new StateWriter(ownerConnection, names.prefix);
    const victim = async () => (await new StateReader(redis, names.prefix).allScores()).get('Victim');
    try {
      const zombieEpoch = await zombie.claim([partition], 0);
      const ownerEpoch = await owner.claim([partition], 0);
      expect(ownerEpoch).toBeGreaterThan(zombieEpoch);
      const tally = { ...emptyTally(), flows: 1, webRequests: 1, devices: new Map([['Victim', 1]]) };
      const refused = await zombie.apply({
        partition,
        epoch: zombieEpoch,
        from: 0,
        next: 1,
        startIfUnknown: 0,
        partitions: 1,
        increments: tally,
      });
      expect(refused).toEqual({ status: 'fenced', owner: ownerEpoch });
      expect(await victim()).toBeUndefined();
      const applied = await owner.apply({
        partition,
        epoch: ownerEpoch,
        from: 0,
        next: 1,
        startIfUnknown: 0,
        partitions: 1,
        increments: tally,
      });
      expect(applied).toEqual({ status: 'applied', next: 1 });
      // The same batch again (a retry, or a redelivery) is refused by its offsets.
      const again = await owner.apply({
        partition,
        epoch: ownerEpoch,
        from: 0,
        next: 1,
        startIfUnknown: 0,
        partitions: 1,
        increments: tally,
      });
      expect(again).toEqual({ status: 'offset-mismatch', stored: 1 });
      expect(await victim()).toBe(1);
    } finally {
      zombieConnection.disconnect();
      ownerConnection.disconnect();
    }
  });

  it('stays exact when a member stalls past its session timeout and then resumes (a real zombie)', async () => {
    const names = named('stall');
    // The stalled member reaches Redis through a proxy that can hold its requests: held at its next
    // write, the member stalls with a batch in hand, which it writes, under its old epoch, the moment
    // it resumes. Signals alone cannot choose that moment: a member stopped between batches may
    // learn of the rebalance before it writes again.
    const redisAddress = new URL(config.redisUrl);
    const proxy = await HeldProxy.start({ host: redisAddress.hostname, port: Number(redisAddress.port || 6379) });
    redisAddress.port = String(proxy.port);
    // Paced, so that flows keep arriving while the zombie is frozen and after it wakes up.
    const producer = spawnCli(
      ['produce', bigFile, '--json', '--no-progress', '--rate', String(ZOMBIE_PACE)],
      pipelineEnv(names),
    );
    const stalled = startConsumer(names, [], { REDIS_URL: redisAddress.toString() });
    const other = startConsumer(names);
    const all = [stalled, other, producer];
    const refusedAsZombie = () =>
      stalled
        .eventsOf(ConsumerEvents.BATCH_REFUSED)
        .some((event) => (event.payload as { reason: string }).reason === 'fenced');
    try {
      await waitFor(async () => (await flowsCounted(names.prefix)) > 30_000, { timeoutMs: 60_000, what: 'progress' });
      await waitFor(() => stalled.eventsOf(ConsumerEvents.BATCH_APPLIED).length > 0, {
        timeoutMs: 60_000,
        what: 'the member to apply a batch',
      }).catch(explain(all));
      proxy.hold();
      await waitFor(() => proxy.heldBytes > 0, { timeoutMs: 60_000, what: "the member's next write" }).catch(
        explain(all),
      );
      const claims = other.eventsOf(ConsumerEvents.PARTITIONS_CLAIMED).length;
      stalled.child.kill('SIGSTOP');
      // The other member must take the stalled one's partitions over (a new claim, after the
      // session timeout) and go on counting.
      await waitFor(() => other.eventsOf(ConsumerEvents.PARTITIONS_CLAIMED).length > claims, {
        timeoutMs: 60_000,
        what: 'takeover',
      }).catch(explain(all));
      const takenOverAt = await flowsCounted(names.prefix);
      await waitFor(async () => (await flowsCounted(names.prefix)) > takenOverAt + 5_000, {
        timeoutMs: 60_000,
        what: 'counting after the takeover',
      }).catch(explain(all));
      // Woken up, the zombie's write reaches Redis under its old epoch: it must be refused.
      proxy.release();
      stalled.child.kill('SIGCONT');
      await waitFor(refusedAsZombie, { timeoutMs: 60_000, what: "the zombie's write to be refused" }).catch(
        explain(all),
      );
      const produced = await within(producer.done, 120_000, 'the producer');
      expect(produced.code, produced.stderr).toBe(0);
    } finally {
      proxy.release();
      stalled.child.kill('SIGCONT');
      await stopAll(all);
      await proxy.close();
    }
    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, bigFile);
  });

  it('applies nothing while Redis is away and ends exact once it is back', async () => {
    const names = named('outage');
    const own = await OwnRedis.start();
    const ownClient = new Redis(own.url, { maxRetriesPerRequest: 1 });
    ownClient.on('error', () => {});
    const env = { REDIS_URL: own.url };
    // Flows still arrive when Redis goes away, so the member has batches to be refused.
    const { member, producing } = await countWhileArriving(names, env);
    try {
      await waitFor(async () => (await flowsCounted(names.prefix, ownClient)) > 50_000, {
        timeoutMs: 60_000,
        what: 'progress',
      });
      await own.stop();
      // Once the member has met the outage, nothing may be applied until Redis is back: watch it
      // retry a few times and count the batches it reports applied meanwhile.
      await waitFor(() => member.eventsOf(ConsumerEvents.STATE_UNAVAILABLE).length > 0, {
        timeoutMs: 30_000,
        what: 'the member to meet the outage',
      });
      const appliedAtOutage = member.eventsOf(ConsumerEvents.BATCH_APPLIED).length;
      const failuresAtOutage = member.eventsOf(ConsumerEvents.STATE_UNAVAILABLE).length;
      await waitFor(() => member.eventsOf(ConsumerEvents.STATE_UNAVAILABLE).length >= failuresAtOutage + 5, {
        timeoutMs: 30_000,
        what: 'the member to retry through the outage',
      });
      expect(member.eventsOf(ConsumerEvents.BATCH_APPLIED)).toHaveLength(appliedAtOutage);
      expect(member.child.exitCode).toBeNull();
      await own.start();
      await waitFor(async () => (await flowsCounted(names.prefix, ownClient)) >= BIG_FILE_FLOWS, {
        timeoutMs: 120_000,
        what: 'the rest',
      });
      member.child.kill('SIGTERM');
      expect((await member.done).code).toBe(0);
      await producing;
      await consumeToEnd(names, env);
      await expectStateEqualsFile(ownClient, names.prefix, bigFile);
    } finally {
      await producing.catch(() => undefined);
      ownClient.disconnect();
      await own.stop();
    }
  });

  it('rebuilds from the start of the topic when the state is wiped mid-stream', async () => {
    const names = named('wipe');
    // Flows still arrive after the wipe: the member meets it with the next batch.
    const { member, producing } = await countWhileArriving(names);
    try {
      await waitFor(async () => (await flowsCounted(names.prefix)) > 100_000, { timeoutMs: 60_000, what: 'progress' });
      // All of the prefix's keys in one DEL: what a FLUSHALL or a Redis without persistence does to it.
      await deleteState(redis, names.prefix);
      await waitFor(async () => (await flowsCounted(names.prefix)) >= BIG_FILE_FLOWS, {
        timeoutMs: 120_000,
        what: 'the rebuild',
      });
      await producing;
    } finally {
      await stopAll([member]);
      await producing.catch(() => undefined);
    }
    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, bigFile);
  });

  it('dead-letters a message that is not a flow and counts the rest exactly', async () => {
    const names = named('poison');
    const file = generatedFile(20_000, 5);
    const kafka = createKafka(config, createLogger('silent'), 'flowwatch-test-poison');
    const admin = await connectAdmin(kafka, config);
    await ensureTopics(admin, names.topic, { partitions: 2 });
    await admin.disconnect();
    await produce(names, file);
    const producer = kafka.producer();
    await producer.connect();
    const poison = [
      { value: 'not a flow' },
      { value: null },
      { value: '{"Time": 1}' },
      { value: Buffer.from([0xff, 0xfe]) },
    ];
    await producer.send({
      topic: names.topic,
      acks: -1,
      messages: poison.map((m, i) => ({ key: `poison-${i}`, ...m })),
    });
    await producer.disconnect();

    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, file);
    expect((await new StateReader(redis, names.prefix).totals()).undecodable).toBe(poison.length);

    const consumer = kafka.consumer({ groupId: `${names.group}-reader` });
    const letters: { reason?: string; rejectedBy?: string; offset?: string }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: deadLetterTopic(names.topic), fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        letters.push({
          reason: headerText(message.headers, Header.reason),
          rejectedBy: headerText(message.headers, Header.rejectedBy),
          offset: headerText(message.headers, Header.offset),
        });
      },
    });
    try {
      await waitFor(() => letters.length >= poison.length, { timeoutMs: 30_000, what: 'dead letters' });
      expect(letters).toHaveLength(poison.length);
      for (const letter of letters) {
        expect(letter.rejectedBy).toBe('message');
        expect(letter.reason).toBeTruthy();
        expect(letter.offset).toMatch(/^\d+$/);
      }
    } finally {
      await consumer.disconnect();
    }
  });
});
