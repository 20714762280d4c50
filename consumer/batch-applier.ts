// Applies one partition batch: decides from the state's offset what to do with it (offset-decision.ts;
// where a partition with no stored offset starts: partition-start.ts), tallies it, dead-letters what
// cannot be read, applies it to Redis under the partition's fencing epoch (retrying through outages),
// and follows Redis's answer (waiting for replicas first when asked: replica-wait.ts).
import type { Batch, EachBatchPayload } from 'kafkajs';
import { ErrorCode, isFlowwatchError, type Logger, pause } from '../runtime/index.ts';
import { type PartitionId, partitionId, type StateWriter } from '../state/index.ts';
import type { BatchTally } from './batch-tally.ts';
import { ConsumerEvents, type ConsumerInstrumentation } from './consumer-events.ts';
import type { DeadLetterSender } from './dead-letter-sender.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { assumedStart, decideAfterReply, decideAfterWait, decideBatch } from './offset-decision.ts';
import type { PartitionFencing } from './partition-fencing.ts';
import type { PartitionStart } from './partition-start.ts';
import { ABANDONED, type RetryControl, retryRedis } from './redis-retry.ts';
import { replicasHolding } from './replica-wait.ts';
import { tallyBatch } from './scanned-tally.ts';

/** How long a member waits after finding a newer member owns a partition, before the next fetch. */
const FENCED_PAUSE_MS = 1000;

export interface BatchApplierParts {
  readonly state: StateWriter;
  readonly fencing: PartitionFencing;
  /** Where a partition's count starts, and moving back to the state's offset (which may end the member). */
  readonly start: PartitionStart;
  readonly deadLetters: DeadLetterSender;
  readonly events: ConsumerInstrumentation;
  readonly log: Logger;
  /** The dead-letter topic (its batches are tallied as dead letters, not flows). */
  readonly deadLetterTopic: string;
  /** Replicas that must hold a batch before its offset is committed to Kafka (0: none), and each wait's bound. */
  readonly waitReplicas: number;
  readonly waitTimeoutMs: number;
  /** Event-time plausibility bound, in seconds (see tallyFlows). */
  readonly maxEventTime: number;
  /** Partitions of the flow topic, for the watermark. */
  readonly flowPartitions: () => number;
  /** False once the member is stopping. */
  readonly running: () => boolean;
}

export class BatchApplier {
  private readonly parts: BatchApplierParts;
  /** Next offset to apply per partition, as last learned from Redis (a cache of the stored one). */
  private readonly expected = new Map<PartitionId, number>();

  constructor(parts: BatchApplierParts) {
    this.parts = parts;
  }

  /** A new assignment: what was learned about the old partitions may be stale. */
  forget(): void {
    this.expected.clear();
  }

  async apply(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.isEmpty()) return;
    const arrived = performance.now();
    const { parts } = this;
    const id = partitionId(batch.topic, batch.partition);
    const epoch = await parts.fencing.epochOf(id);
    if (epoch === undefined) return;
    const control: RetryControl = {
      keepGoing: () => parts.running() && payload.isRunning() && !payload.isStale(),
      between: () => payload.heartbeat(),
      failed: (failures, error) =>
        isFlowwatchError(error, ErrorCode.STATE_REFUSED)
          ? parts.events.emit(ConsumerEvents.STATE_REFUSED, { partition: id, reason: error.message })
          : parts.events.emit(ConsumerEvents.STATE_UNAVAILABLE, { partition: id, failures }),
    };

    const stored = this.expected.get(id) ?? (await retryRedis(() => parts.state.nextOffset(id), control, parts.log));
    if (stored === ABANDONED) return;
    const start = await this.startOf(batch, epoch, stored, control);
    if (start === ABANDONED) return;
    const next = Number(batch.lastOffset()) + 1;
    const decision = decideBatch({ first: Number(batch.firstOffset()), next }, start);
    if (decision.action === 'rewind') return this.rewind(batch, decision.to);
    if (decision.action === 'skip') {
      payload.resolveOffset(batch.lastOffset());
      await payload.commitOffsetsIfNecessary();
      return;
    }

    const from = decision.from;
    const { tally, timestamps } = await tallyBatch(batch, from, parts.deadLetterTopic, parts.maxEventTime);
    if (tally.rejects.length > 0) await parts.deadLetters.send(batch, tally.rejects);
    const result = await retryRedis(
      () =>
        parts.state.apply({
          partition: id,
          epoch,
          from,
          next,
          startIfUnknown: assumedStart(from),
          partitions: parts.flowPartitions(),
          increments: tally,
        }),
      control,
      parts.log,
    );
    if (result === ABANDONED) return;

    const reply = decideAfterReply(result, next, epoch);
    switch (reply.action) {
      case 'advance': {
        this.expected.set(id, reply.next);
        const replicated = await replicasHolding(parts, id, reply.next, control);
        if (replicated === ABANDONED) return;
        const after = decideAfterWait(replicated);
        if (after.action !== 'commit') {
          // The batch is gone from the state (a failover to a replica that lacked it): follow it.
          const to = after.action === 'rewind' ? after.to : await this.startOf(batch, epoch, undefined, control);
          if (to === ABANDONED) return;
          this.refused(id, 'offset-mismatch', to);
          this.expected.set(id, to);
          return this.rewind(batch, to);
        }
        this.applied(batch, id, from, tally, timestamps, arrived);
        payload.resolveOffset(batch.lastOffset());
        await payload.heartbeat();
        await payload.commitOffsetsIfNecessary();
        return;
      }
      case 'rewind':
      case 'restart': {
        const to = reply.action === 'rewind' ? reply.to : await this.startOf(batch, epoch, undefined, control);
        if (to === ABANDONED) return;
        this.refused(id, 'offset-mismatch', to);
        parts.log.info(
          { partition: id, from: batch.firstOffset(), stored: to },
          'batch refused: the state is elsewhere; following it',
        );
        this.expected.set(id, to);
        return this.rewind(batch, to);
      }
      case 'reclaim':
      case 'yield': {
        const owner = result.status === 'fenced' ? result.owner : 0;
        this.refused(id, 'fenced', owner);
        this.expected.delete(id);
        if (reply.action === 'reclaim') {
          parts.fencing.reclaim(id);
          return;
        }
        parts.log.warn({ partition: id, epoch, owner }, 'batch refused: a newer member owns this partition');
        await pause(FENCED_PAUSE_MS);
        await payload.heartbeat();
        return;
      }
    }
  }

  private applied(
    batch: Batch,
    id: PartitionId,
    from: number,
    tally: BatchTally,
    timestamps: readonly number[],
    arrived: number,
  ): void {
    const latency = new LatencyHistogram();
    const now = Date.now();
    for (const timestamp of timestamps) latency.record(now - timestamp);
    this.parts.events.emit(ConsumerEvents.BATCH_APPLIED, {
      partition: id,
      from,
      next: Number(batch.lastOffset()) + 1,
      flows: tally.flows,
      webRequests: tally.webRequests,
      invalidLines: tally.invalidLines,
      undecodable: tally.undecodable,
      timeOutliers: tally.timeOutliers,
      lag: Number(batch.offsetLag()),
      durationMs: performance.now() - arrived,
      latency,
    });
  }

  private refused(id: PartitionId, reason: 'offset-mismatch' | 'fenced', value: number): void {
    this.parts.events.emit(ConsumerEvents.BATCH_REFUSED, { partition: id, reason, value });
  }

  /** Where the state's count of the batch's partition stands (see PartitionStart); a refusal ends the member. */
  private startOf(batch: Batch, epoch: number, stored: number | undefined, control: RetryControl) {
    return this.parts.start.from(batch.topic, batch.partition, epoch, stored, control);
  }

  private rewind(batch: Batch, offset: number): Promise<void> {
    return this.parts.start.rewind(batch.topic, batch.partition, offset);
  }
}
