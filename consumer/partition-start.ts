// Where a partition's count starts when the state holds no position for it (a new state, or a lost
// one): at 0 while Kafka still holds the whole partition; otherwise the count would be partial, which
// is refused in one sentence unless asked for (--accept-partial), and then marked in the state.
// On every group join the member also checks each partition it got, so a lost state is noticed at
// once, not at the next message (which a quiet topic may never bring).
import type { Admin } from 'kafkajs';
import { ErrorCode, FlowwatchError, type Logger } from '../runtime/index.ts';
import { type PartitionId, partitionId, type StateWriter, stateKeyPattern } from '../state/index.ts';
import { decideStart } from './offset-decision.ts';
import { ABANDONED, type RetryControl, retryRedis } from './redis-retry.ts';
import type { RetainedOffsets } from './retained-offsets.ts';

export interface PartitionStartParts {
  readonly state: StateWriter;
  readonly retained: RetainedOffsets;
  readonly admin: Pick<Admin, 'fetchOffsets'>;
  readonly group: string;
  readonly keyPrefix: string;
  /** Count a partition whose first messages Kafka deleted from its first retained offset, marked partial. */
  readonly acceptPartial: boolean;
  readonly log: Logger;
  /** The epoch this member writes a partition under, once its claim is done; undefined if not held. */
  readonly epochOf: (id: PartitionId) => Promise<number | undefined>;
  /** Moves the member's position in a partition. */
  readonly seek: (topic: string, partition: number, offset: number) => void;
  /** Ends the member for good. */
  readonly fail: (error: Error) => void;
}

/** The sentence for messages Kafka deleted before the state counted them (its position is below them). */
export function incompleteError(id: PartitionId, from: number, keyPrefix: string): FlowwatchError {
  return new FlowwatchError(
    ErrorCode.STATE_INCOMPLETE,
    `${id}: messages from offset ${from} were deleted by retention before they were counted; to count what is left, delete the state (keys ${stateKeyPattern(keyPrefix)}) and run consume with --accept-partial`,
  );
}

/** The sentence for a partition the state has no position for, whose first messages Kafka deleted. */
function partialError(id: PartitionId, low: number, keyPrefix: string): FlowwatchError {
  return new FlowwatchError(
    ErrorCode.STATE_PARTIAL,
    `${id}: the state under ${keyPrefix} holds no position for it and Kafka no longer holds its messages below offset ${low}, so a count would miss them; to count only what is left, from offset ${low}, run consume with --accept-partial (the state is then marked partial)`,
  );
}

export class PartitionStart {
  private readonly parts: PartitionStartParts;

  constructor(parts: PartitionStartParts) {
    this.parts = parts;
  }

  /**
   * The offset the state's count of a partition stands at, `stored` its stored next offset: decided
   * (and, for a partial count, stored) when there is none. Ends the member and throws the sentence
   * when the count cannot be whole and a partial one was not asked for; ABANDONED when stopping or
   * fenced meanwhile.
   */
  async from(
    topic: string,
    partition: number,
    epoch: number,
    stored: number | undefined,
    control: RetryControl,
  ): Promise<number | typeof ABANDONED> {
    const { state, retained, acceptPartial, keyPrefix, log } = this.parts;
    const id = partitionId(topic, partition);
    try {
      // Decided again when another writer stored a start meanwhile.
      for (let known = stored; ; ) {
        // With none stored, asked afresh: retention may have moved it since it was cached.
        const low = await retained.first(topic, partition, known === undefined);
        const decision = decideStart(known, low, acceptPartial);
        switch (decision.action) {
          case 'count':
            return decision.from;
          case 'refuse-partial':
            throw partialError(id, decision.low, keyPrefix);
          case 'incomplete':
            throw incompleteError(id, decision.stored, keyPrefix);
          case 'count-partial': {
            const result = await retryRedis(() => state.startPartial(id, epoch, decision.from), control, log);
            if (result === ABANDONED || result.status === 'fenced') return ABANDONED;
            if (result.status === 'offset-mismatch') {
              known = result.stored;
              continue;
            }
            log.warn(
              { partition: id, from: result.next },
              'counting partially, as asked: Kafka no longer holds the messages below this offset',
            );
            return result.next;
          }
        }
      }
    } catch (error) {
      if (error instanceof FlowwatchError && !error.retriable) this.parts.fail(error);
      throw error;
    }
  }

  /** Moves the member back to `offset` of a partition, unless Kafka no longer holds it (that ends the member). */
  async rewind(topic: string, partition: number, offset: number): Promise<void> {
    const low = await this.parts.retained.first(topic, partition, true);
    if (offset < low) {
      const error = incompleteError(partitionId(topic, partition), offset, this.parts.keyPrefix);
      this.parts.fail(error);
      throw error;
    }
    this.parts.seek(topic, partition, offset);
  }

  /**
   * After a group join: for each partition given, where the state stands (deciding a start if it holds
   * none), and a seek back there when the group's Kafka offset is ahead of it, so a lost or rolled
   * back state is followed without waiting for a new message. A refusal ends the member.
   */
  async settle(assignment: Readonly<Record<string, readonly number[]>>, control: RetryControl): Promise<void> {
    const { state, admin, group, log, seek, fail, epochOf } = this.parts;
    try {
      const topics = Object.keys(assignment);
      const committed = new Map<PartitionId, number>();
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId: group, topics }))
        for (const p of partitions) committed.set(partitionId(topic, p.partition), Number(p.offset));
      for (const [topic, partitions] of Object.entries(assignment)) {
        for (const partition of partitions) {
          const id = partitionId(topic, partition);
          const epoch = await epochOf(id);
          if (epoch === undefined || !control.keepGoing()) return;
          const stored = await retryRedis(() => state.nextOffset(id), control, log);
          if (stored === ABANDONED) return;
          const start = await this.from(topic, partition, epoch, stored, control);
          if (start === ABANDONED) return;
          if ((committed.get(id) ?? -1) > start) {
            log.info(
              { partition: id, kafka: committed.get(id), state: start },
              'the group is ahead of the state; following the state',
            );
            seek(topic, partition, start);
          }
        }
      }
    } catch (error) {
      // A refusal has ended the member already (see from).
      if (error instanceof FlowwatchError && !error.retriable) return fail(error);
      // Kafka or Redis away: the batches, when they come, decide the same from the state.
      log.warn({ reason: (error as Error).message }, 'could not check where the state stands after joining');
    }
  }
}
