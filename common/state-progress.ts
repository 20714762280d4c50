// How far the Redis state has got: per partition, the offset applied up to, against the log's end.
import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { partitionField, redisKeys } from './redis-keys.ts';
import { partitionEnds } from './topics.ts';

export interface PartitionProgress {
  readonly topic: string;
  readonly partition: number;
  /** Next offset the state will apply: every message below it is counted. */
  readonly applied: number;
  /** Offset the next message will get. */
  readonly end: number;
  readonly lag: number;
}

export async function stateProgress(
  admin: Admin,
  redis: Redis,
  prefix: string,
  topics: readonly string[],
): Promise<PartitionProgress[]> {
  const [ends, stored] = await Promise.all([partitionEnds(admin, topics), redis.hgetall(redisKeys.offsets(prefix))]);
  return ends.map(({ topic, partition, low, high }) => {
    const value = stored[partitionField(topic, partition)];
    const applied = value === undefined ? low : Number(value);
    return { topic, partition, applied, end: high, lag: Math.max(0, high - applied) };
  });
}

/** True when every partition is applied up to its end. */
export function isCaughtUp(progress: readonly PartitionProgress[]): boolean {
  return progress.every((p) => p.applied >= p.end);
}
