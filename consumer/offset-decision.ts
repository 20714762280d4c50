// The consumer's offset protocol as pure decisions over plain numbers, one per step: what to do with
// a fetched batch given where the state stands, what to do after Redis answered the apply, and what
// to do once the state confirmed (or lost) the batch its replicas were waited for.
// Redis, not Kafka, is the truth of how far the state has got.
import type { ApplyResult } from '../state/index.ts';

export interface FetchedBatch {
  /** Offset of the batch's first message, and the offset after its last. */
  readonly first: number;
  readonly next: number;
}

export type BatchDecision =
  /** Apply messages [from, next): those below `from` are counted already. */
  | { readonly action: 'apply'; readonly from: number }
  /** Everything in the batch is counted already (a redelivery after a lost Kafka commit): mark it consumed. */
  | { readonly action: 'skip' }
  /** Kafka's position is ahead of the state (state lost, or rebuilt): seek back to `to`. */
  | { readonly action: 'rewind'; readonly to: number };

/**
 * `stored`: the state's next offset for the partition (undefined: none stored, the state starts at
 * `low`, the partition's first retained offset).
 */
export function decideBatch(batch: FetchedBatch, stored: number | undefined, low: number): BatchDecision {
  const start = stored ?? low;
  if (batch.first > start) return { action: 'rewind', to: start };
  if (batch.next <= start) return { action: 'skip' };
  return { action: 'apply', from: start };
}

export type ReplyDecision =
  /** The state now holds the batch: its next offset is `next`; commit it to Kafka. */
  | { readonly action: 'advance'; readonly next: number }
  /** The state is elsewhere: follow it, from `to`. */
  | { readonly action: 'rewind'; readonly to: number }
  /** An older claim landed after ours: this member is the owner, so it claims again. */
  | { readonly action: 'reclaim' }
  /** A newer member owns the partition: leave it alone and wait for the group to move it. */
  | { readonly action: 'yield' };

/** What to do once Redis answered the apply of [from, next) under `epoch`. */
export function decideAfterReply(result: ApplyResult, next: number, epoch: number): ReplyDecision {
  switch (result.status) {
    case 'applied':
      return { action: 'advance', next: result.next };
    case 'offset-mismatch':
      // An earlier attempt whose reply was lost already applied it: the stored offset is `next`.
      return result.stored === next ? { action: 'advance', next } : { action: 'rewind', to: result.stored };
    case 'fenced':
      return result.owner < epoch ? { action: 'reclaim' } : { action: 'yield' };
  }
}

export type WaitDecision =
  /** Enough replicas hold the batch: it is done, commit its offset to Kafka. */
  | { readonly action: 'commit' }
  /** The batch is gone from the state (a failover to a replica that lacked it): follow it from `to`. */
  | { readonly action: 'rewind'; readonly to: number };

/**
 * What to do once an applied batch was confirmed and its replicas waited for (--redis-wait-replicas):
 * `confirmed` is true when enough replicas hold it, otherwise the next offset the state stores now,
 * -1 when it stores none (the partition is gone from the state altogether: it starts again at `low`,
 * the partition's first retained offset).
 */
export function decideAfterWait(confirmed: true | number, low: number): WaitDecision {
  if (confirmed === true) return { action: 'commit' };
  return { action: 'rewind', to: confirmed < 0 ? low : confirmed };
}
