// Creates the flow topic and its dead-letter topic when missing; an existing topic is used as it is.
import type { Admin } from 'kafkajs';
import { deadLetterTopic } from './config.ts';

export const DEFAULT_PARTITIONS = 4;

export async function ensureTopics(admin: Admin, topic: string, partitions = DEFAULT_PARTITIONS): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = [topic, deadLetterTopic(topic)].filter((name) => !existing.has(name));
  if (missing.length === 0) return;
  await admin.createTopics({
    waitForLeaders: true,
    topics: missing.map((name) => ({ topic: name, numPartitions: partitions, replicationFactor: 1 })),
  });
}

export interface PartitionEnd {
  readonly topic: string;
  readonly partition: number;
  /** First offset still in the log. */
  readonly low: number;
  /** Offset the next message will get: everything below is written. */
  readonly high: number;
}

/** Low and high watermarks of every partition of the topics that exist. */
export async function partitionEnds(admin: Admin, topics: readonly string[]): Promise<PartitionEnd[]> {
  const existing = new Set(await admin.listTopics());
  const ends: PartitionEnd[] = [];
  for (const topic of topics) {
    if (!existing.has(topic)) continue;
    const offsets = await admin.fetchTopicOffsets(topic);
    for (const p of offsets.sort((a, b) => a.partition - b.partition)) {
      ends.push({ topic, partition: p.partition, low: Number(p.low), high: Number(p.high) });
    }
  }
  return ends;
}
