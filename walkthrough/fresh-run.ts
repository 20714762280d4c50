// Resets what a walkthrough run uses, so it can run again and again: the topic and its dead-letter
// topic, the consumer group's offsets, and the Redis keys under the prefix.
import type { Admin } from 'kafkajs';
import { deadLetterTopic, ensureTopics, isFlowwatchError, retrying } from '../common/index.ts';
import { resetState, type StateClient } from '../state/index.ts';

const RECREATE_TIMEOUT_MS = 30_000;

/** Deletes the run's topics, group offsets and state, and creates the topics again, empty. */
export async function prepareFreshRun(
  admin: Admin,
  redis: StateClient,
  names: {
    topic: string;
    group: string;
    keyPrefix: string;
    partitions: number;
    replicationFactor: number | undefined;
  },
): Promise<void> {
  const topics = [names.topic, deadLetterTopic(names.topic)];
  const existing = new Set(await admin.listTopics());
  const present = topics.filter((topic) => existing.has(topic));
  if (present.length > 0) await admin.deleteTopics({ topics: present, timeout: RECREATE_TIMEOUT_MS });
  await admin.deleteGroups([names.group]).catch(() => undefined);
  await resetState(redis, names.keyPrefix);
  // A deleted topic lingers for a moment in the broker's metadata: retry the creation until it takes.
  const recreate = async () => {
    await ensureTopics(admin, names.topic, {
      partitions: names.partitions,
      replicationFactor: names.replicationFactor,
    });
    const offsets = await admin.fetchTopicOffsets(names.topic);
    if (offsets.length !== names.partitions || offsets.some((p) => p.high !== '0'))
      throw new Error(`topic ${names.topic} could not be recreated`);
  };
  await retrying(recreate, {
    timeoutMs: RECREATE_TIMEOUT_MS,
    intervalMs: 300,
    retriable: (error) => !isFlowwatchError(error),
  });
}
