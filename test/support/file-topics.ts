// The topics one spec file makes on the shared broker: one admin client for the file, and each flow
// topic it names deleted after its last test, with its dead-letter topic, whatever happened.
import type { Admin, Kafka } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import type { Config } from '../../config/index.ts';
import { connectAdmin, createKafka } from '../../kafka/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import { createLogger } from '../../runtime/index.ts';

export interface FileTopics {
  /** The file's admin client, connected before its first test. */
  readonly admin: () => Admin;
  /** Marks a flow topic (and its dead-letter topic) for deletion after the file. */
  track(topic: string): void;
  /** Messages written to `topic` so far (0 before it exists). */
  written(topic: string): Promise<number>;
}

/** Registers the file's hooks; `kafka` when the file has a client of its own to share. */
export function fileTopics(config: Config, clientId: string, kafka?: Kafka): FileTopics {
  const used = new Set<string>();
  let admin: Admin | undefined;
  const connected = () => {
    if (admin === undefined) throw new Error('the admin client is connected in beforeAll');
    return admin;
  };
  beforeAll(async () => {
    admin = await connectAdmin(kafka ?? createKafka(config, createLogger('silent'), clientId), config);
  });
  afterAll(async () => {
    if (admin === undefined) return;
    try {
      const existing = new Set(await admin.listTopics());
      const mine = [...used].filter((topic) => existing.has(topic));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    } finally {
      await admin.disconnect();
    }
  });
  return {
    admin: connected,
    track(topic) {
      used.add(topic);
      used.add(deadLetterTopic(topic));
    },
    async written(topic) {
      const client = connected();
      if (!(await client.listTopics()).includes(topic)) return 0;
      return (await client.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    },
  };
}
