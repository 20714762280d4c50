// The real parts answer: a topic is created, messages go through the broker, Redis reads and writes.
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { connectAdmin, createKafka, ensureTopics, partitionEnds } from '../../kafka/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import { createLogger } from '../../runtime/index.ts';
import { connectRedis, createRedis, resetState, stateKeys } from '../../state/index.ts';
import { testNames } from '../support/test-names.ts';
import { waitFor } from '../support/wait-for.ts';

const names = testNames('infra');
const config = loadConfig(process.env, { FLOWWATCH_TOPIC: names.topic, FLOWWATCH_KEY_PREFIX: names.prefix });
const log = createLogger('silent');
const kafka = createKafka(config, log, 'flowwatch-test');
const redis = createRedis(config);

afterAll(async () => {
  await resetState(redis, names.prefix);
  redis.disconnect();
});

describe('the local Kafka broker', () => {
  it('creates a topic and its dead-letter topic with the partitions asked for', async () => {
    const admin = await connectAdmin(kafka, config);
    try {
      await ensureTopics(admin, names.topic, { partitions: 3 });
      await ensureTopics(admin, names.topic, { partitions: 5 }); // an existing topic is used as it is
      const ends = await partitionEnds(admin, [names.topic, deadLetterTopic(names.topic)]);
      expect(ends.filter((e) => e.topic === names.topic)).toHaveLength(3);
      expect(ends.filter((e) => e.topic === deadLetterTopic(names.topic))).toHaveLength(3);
    } finally {
      await admin.disconnect();
    }
  });

  it('carries messages from a producer to a consumer group', async () => {
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 100 }, (_, i) => `message-${i}`);
    await producer.send({ topic: names.topic, acks: -1, messages: sent.map((value) => ({ key: value, value })) });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: names.group });
    const received: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: names.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(message.value?.toString() ?? '');
      },
    });
    try {
      await waitFor(() => received.length >= sent.length, { timeoutMs: 30_000, what: 'all messages' });
      expect(received.sort()).toEqual([...sent].sort());
    } finally {
      await consumer.disconnect();
    }
  });
});

describe('Redis', () => {
  it('reads back what it was given, under the test prefix', async () => {
    await connectRedis(redis, config);
    await redis.zincrby(stateKeys.webservers(names.prefix), 2, 'A');
    await redis.zincrby(stateKeys.webservers(names.prefix), 1, 'A');
    expect(await redis.zscore(stateKeys.webservers(names.prefix), 'A')).toBe('3');
  });
});
