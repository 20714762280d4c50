// How far the Redis state has got: per partition, the offset applied up to, against the log's end.
import type { Admin } from 'kafkajs';
import { partitionEnds } from '../kafka/index.ts';
import { type PartitionId, partitionId } from './keys.ts';
import type { StateReader } from './state-reader.ts';

/** A partition's end offsets, as Kafka's admin reads them. */
export type PartitionEnd = Awaited<ReturnType<typeof partitionEnds>>[number];

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
  state: StateReader,
  topics: readonly string[],
): Promise<PartitionProgress[]> {
  const [ends, applied] = await Promise.all([partitionEnds(admin, topics), state.appliedOffsets()]);
  return progressOf(ends, applied);
}

/** Each partition's end against the offset the state has applied it up to. */
export function progressOf(
  ends: readonly PartitionEnd[],
  applied: ReadonlyMap<PartitionId, number>,
): PartitionProgress[] {
  return ends.map(({ topic, partition, high }) => {
    // None stored: nothing of the partition is counted, even when Kafka no longer holds its start.
    const offset = applied.get(partitionId(topic, partition)) ?? 0;
    return { topic, partition, applied: offset, end: high, lag: Math.max(0, high - offset) };
  });
}

/** True when every partition is applied up to its end. */
export function isCaughtUp(progress: readonly PartitionProgress[]): boolean {
  return progress.every((p) => p.applied >= p.end);
}
