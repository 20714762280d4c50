import { createRequire } from 'node:module';
import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { GroupMember, type MemberOptions } from '../../../consumer/index.ts';
import { createLogger } from '../../../runtime/index.ts';
import type { StateClient } from '../../../state/index.ts';

const { isKept } = createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/rawRecordSet') as {
  isKept: (topic: string) => boolean;
};

const OPTIONS: MemberOptions = {
  topic: 'start-fails',
  group: 'g',
  keyPrefix: 'p',
  sessionTimeoutMs: 6000,
  partitionsConcurrently: 1,
  latenessSeconds: 60,
  maxEventTime: 2 ** 31,
  waitReplicas: 0,
  waitTimeoutMs: 100,
  acceptPartial: false,
};

/** A cluster whose set-up answers, and whose consumer fails at `failing` (connect or subscribe). */
function cluster(topic: string, failing: 'connect' | 'subscribe'): Kafka {
  const refuse = async () => {
    throw new Error(`the consumer could not ${failing}`);
  };
  const fine = async () => undefined;
  return {
    admin: () => ({
      connect: fine,
      disconnect: fine,
      fetchTopicMetadata: async () => ({ topics: [{ name: topic, partitions: [{}] }] }),
      describeConfigs: async ({ resources }: { resources: { name: string }[] }) => ({
        resources: resources.map(({ name }) => ({
          resourceName: name,
          configEntries: [{ configName: 'max.message.bytes', configValue: '1048576', configSource: 1 }],
        })),
      }),
    }),
    producer: () => ({ connect: fine, disconnect: fine }),
    consumer: () => ({
      events: { GROUP_JOIN: 'group_join', CRASH: 'crash' },
      on: () => undefined,
      connect: failing === 'connect' ? refuse : fine,
      subscribe: failing === 'subscribe' ? refuse : fine,
      run: fine,
      disconnect: fine,
    }),
  } as unknown as Kafka;
}

const redis = { defineCommand: () => undefined, get: async () => null } as unknown as StateClient;

describe('a member whose start fails', () => {
  for (const failing of ['connect', 'subscribe'] as const) {
    it(`stops keeping its topic's records as bytes (the consumer failing to ${failing})`, async () => {
      const topic = `start-fails-at-${failing}`;
      const member = new GroupMember(cluster(topic, failing), redis, { ...OPTIONS, topic }, createLogger('silent'));
      await expect(member.start()).rejects.toThrow(`the consumer could not ${failing}`);
      expect(isKept(topic)).toBe(false);
    });
  }
});
