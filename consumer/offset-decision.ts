// The consumer's offset protocol as pure decisions over plain numbers, one per step: where a partition
// starts when the state holds no position for it, what to do with a fetched batch given where the
// state stands, what to do after Redis answered the apply, and what to do once the state confirmed
// (or lost) the batch its replicas were waited for.
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

export type StartDecision =
  /** Count from `from`: the stored next offset, or 0 when none is stored and Kafka still holds offset 0. */
  | { readonly action: 'count'; readonly from: number }
  /** None stored, Kafka deleted the messages below `from`, and a partial count is accepted: start there, marked partial. */
  | { readonly action: 'count-partial'; readonly from: number }
  /** None stored and Kafka deleted the messages below `low`: counting would miss them, say so and stop. */
  | { readonly action: 'refuse-partial'; readonly low: number }
  /** The stored next offset is below `low`: Kafka deleted messages the state had not counted yet. */
  | { readonly action: 'incomplete'; readonly stored: number; readonly low: number };

/**
 * Where the state stands for a partition: `stored` its next offset (undefined: none, the state was
 * lost or never held it), `low` the partition's first retained offset, `acceptPartial` whether a
 * count without the messages Kafka deleted is wanted (consume --accept-partial).
 */
export function decideStart(stored: number | undefined, low: number, acceptPartial: boolean): StartDecision {
  if (stored !== undefined)
    return stored < low ? { action: 'incomplete', stored, low } : { action: 'count', from: stored };
  if (low === 0) return { action: 'count', from: 0 };
  return acceptPartial ? { action: 'count-partial', from: low } : { action: 'refuse-partial', low };
}

/** `start`: the state's next offset for the partition (see decideStart). */
export function decideBatch(batch: FetchedBatch, start: number): BatchDecision {
  if (batch.first > start) return { action: 'rewind', to: start };
  if (batch.next <= start) return { action: 'skip' };
  return { action: 'apply', from: start };
}

/**
 * The next offset an apply may assume when the state holds none for the partition (the state was
 * lost since it was read): 0 for a batch from 0, since Kafka still held the whole partition then;
 * otherwise none (-1, which no batch starts at), so the script refuses it and the member decides
 * where to start again (decideStart).
 */
export function assumedStart(from: number): number {
  return from === 0 ? 0 : -1;
}

export type ReplyDecision =
  /** The state now holds the batch: its next offset is `next`; commit it to Kafka. */
  | { readonly action: 'advance'; readonly next: number }
  /** The state is elsewhere: follow it, from `to`. */
  | { readonly action: 'rewind'; readonly to: number }
  /** The state holds no position for the partition (it was lost): decide where to start again. */
  | { readonly action: 'restart' }
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
      if (result.stored === next) return { action: 'advance', next };
      return result.stored < 0 ? { action: 'restart' } : { action: 'rewind', to: result.stored };
    case 'fenced':
      return result.owner < epoch ? { action: 'reclaim' } : { action: 'yield' };
  }
}

export type WaitDecision =
  /** Enough replicas hold the batch: it is done, commit its offset to Kafka. */
  | { readonly action: 'commit' }
  /** The batch is gone from the state (a failover to a replica that lacked it): follow it from `to`. */
  | { readonly action: 'rewind'; readonly to: number }
  /** The partition is gone from the state altogether: decide where to start again (decideStart). */
  | { readonly action: 'restart' };

/**
 * What to do once an applied batch was confirmed and its replicas waited for (--redis-wait-replicas):
 * `confirmed` is true when enough replicas hold it, otherwise the next offset the state stores now,
 * -1 when it stores none.
 */
export function decideAfterWait(confirmed: true | number): WaitDecision {
  if (confirmed === true) return { action: 'commit' };
  return confirmed < 0 ? { action: 'restart' } : { action: 'rewind', to: confirmed };
}
