// The consumer's instrumentation events (kafkajs-style `consumer.events`), with their payloads.
import { Instrumentation } from '../runtime/index.ts';
import type { PartitionId } from '../state/index.ts';
import type { LatencyHistogram } from './latency-histogram.ts';

export const ConsumerEvents = {
  /** The member took a new fencing epoch and owns these partitions (after each group join). */
  PARTITIONS_CLAIMED: 'consumer.partitions_claimed',
  /** A partition batch was applied to the state with its offsets. */
  BATCH_APPLIED: 'consumer.batch_applied',
  /** Redis refused a batch: it was not at the stored offset, or another member owns the partition. */
  BATCH_REFUSED: 'consumer.batch_refused',
  /** A call to the state failed and will be retried: Redis is away (nothing is applied meanwhile). */
  STATE_UNAVAILABLE: 'consumer.state_unavailable',
  /**
   * Redis refused a batch whole, for a cause that someone must remove (a key of the wrong type, its
   * memory limit): nothing was applied, and the member tries again until the cause is gone.
   */
  STATE_REFUSED: 'consumer.state_refused',
  /**
   * With --redis-wait-replicas N: fewer than N replicas hold an applied batch, so its offset is not
   * committed to Kafka yet (the member waits for them).
   */
  REPLICAS_BEHIND: 'consumer.replicas_behind',
  /** Every partition is applied up to its end (with --exit-when-caught-up). */
  CAUGHT_UP: 'consumer.caught_up',
  /** The member left the group; its totals for the run. */
  STOPPED: 'consumer.stopped',
} as const;

/** Why Redis refused a batch. */
export type RefusalReason = 'offset-mismatch' | 'fenced';

export interface BatchApplied {
  readonly partition: PartitionId;
  /** First offset applied, and the partition's next offset after the batch. */
  readonly from: number;
  readonly next: number;
  readonly flows: number;
  readonly webRequests: number;
  readonly invalidLines: number;
  readonly undecodable: number;
  /** Flows whose Time is past consume --max-event-time: counted in the totals, not in the hourly series. */
  readonly timeOutliers: number;
  /** Messages behind the partition's end, as the batch's fetch saw it. */
  readonly lag: number;
  /** From the batch's arrival to its apply, in ms: the member's own processing time. */
  readonly durationMs: number;
  /**
   * Per message applied, its publish time (Kafka timestamp) to the apply, in ms; empty for the
   * dead-letter topic. Serialized as its summary.
   */
  readonly latency: LatencyHistogram;
}

export interface ConsumerEventMap extends Record<string, unknown> {
  [ConsumerEvents.PARTITIONS_CLAIMED]: { readonly epoch: number; readonly partitions: readonly PartitionId[] };
  [ConsumerEvents.BATCH_APPLIED]: BatchApplied;
  [ConsumerEvents.BATCH_REFUSED]: {
    readonly partition: PartitionId;
    readonly reason: RefusalReason;
    /** The stored next offset (offset-mismatch) or the owner's epoch (fenced). */
    readonly value: number;
  };
  [ConsumerEvents.STATE_UNAVAILABLE]: { readonly partition: PartitionId; readonly failures: number };
  [ConsumerEvents.STATE_REFUSED]: { readonly partition: PartitionId; readonly reason: string };
  [ConsumerEvents.REPLICAS_BEHIND]: {
    readonly partition: PartitionId;
    readonly replicas: number;
    readonly wanted: number;
  };
  [ConsumerEvents.CAUGHT_UP]: Record<string, never>;
  [ConsumerEvents.STOPPED]: {
    readonly flowsApplied: number;
    readonly batchesApplied: number;
    readonly batchesRefused: number;
    readonly undecodable: number;
    readonly timeOutliers: number;
    readonly latency: { count: number; p50Ms: number; p99Ms: number; maxMs: number };
  };
}

export type ConsumerInstrumentation = Instrumentation<ConsumerEventMap>;

export function consumerInstrumentation(): ConsumerInstrumentation {
  return new Instrumentation<ConsumerEventMap>();
}
