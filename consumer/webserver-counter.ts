// One member of the consumer group: reads the flow topic and its dead-letter topic, tallies each
// partition batch, and applies it to Redis with its offsets in one atomic step (see lua/).
// Redis, not Kafka, holds the truth of how far the state has got; Kafka's group offsets mirror it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import {
  type Admin,
  type Batch,
  type Consumer,
  type EachBatchPayload,
  type Kafka,
  Partitioners,
  type Producer,
} from 'kafkajs';
import {
  deadLetterTopic,
  ErrorCode,
  FlowwatchError,
  type Logger,
  partitionField,
  RejectionLog,
  rejectedMessage,
} from '../common/index.ts';
import { type BatchTally, tallyDeadLetters, tallyFlows, type UndecodableMessage } from './batch-tally.ts';
import { type ApplyResult, CounterState } from './counter-state.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { retryRedis } from './redis-retry.ts';

export interface CounterOptions {
  readonly topic: string;
  readonly group: string;
  readonly keyPrefix: string;
  /** A member silent this long is dropped from the group and its partitions handed on. */
  readonly sessionTimeoutMs: number;
  /** Partition batches tallied and applied at once. */
  readonly partitionsConcurrently: number;
  /** How long, in event-time seconds, an hour stays open behind the slowest partition. */
  readonly latenessSeconds: number;
}

export interface CounterStats {
  flowsApplied: number;
  batchesApplied: number;
  /** Batches Redis refused: out of order, or written by a member that lost the partition. */
  batchesRefused: number;
  undecodable: number;
  /** Messages behind the end of each partition, as of its last batch. */
  readonly lag: Map<string, number>;
  /** From each flow's publish time (its Kafka timestamp) to the moment its count was applied. */
  readonly latency: LatencyHistogram;
}

const FENCED_PAUSE_MS = 1000;

/** The part of a partition batch being applied: offsets [from, next) under a fencing epoch. */
interface BatchSpan {
  readonly field: string;
  readonly epoch: number;
  readonly from: number;
  readonly next: number;
}

export class WebServerCounter {
  readonly stats: CounterStats = {
    flowsApplied: 0,
    batchesApplied: 0,
    batchesRefused: 0,
    undecodable: 0,
    lag: new Map(),
    latency: new LatencyHistogram(),
  };
  private readonly options: CounterOptions;
  private readonly log: Logger;
  private readonly state: CounterState;
  /** Partitions of the flow topic, for the watermark. */
  private flowPartitions = 0;
  private readonly consumer: Consumer;
  private readonly deadLetters: Producer;
  private readonly admin: Admin;
  private readonly dlq: string;
  private readonly rejections: RejectionLog;
  /** Fencing epoch per partition this member holds. */
  private readonly epochs = new Map<string, number>();
  /** Next offset to apply per partition, as last learned from Redis. */
  private readonly expected = new Map<string, number>();
  private readonly lowWatermarks = new Map<string, number>();
  private highestEpoch = 0;
  private claiming: Promise<void> = Promise.resolve();
  private running = false;
  private stopping: Promise<void> | undefined;
  private readonly failure: Promise<never>;
  private fail: (error: Error) => void = () => {};

  constructor(kafka: Kafka, redis: Redis, options: CounterOptions, log: Logger) {
    this.options = options;
    this.log = log;
    this.dlq = deadLetterTopic(options.topic);
    this.rejections = new RejectionLog(log);
    this.state = new CounterState(redis, options.keyPrefix, options.latenessSeconds);
    this.admin = kafka.admin();
    this.deadLetters = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.consumer = kafka.consumer({
      groupId: options.group,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(options.sessionTimeoutMs / 6)),
      rebalanceTimeout: Math.max(options.sessionTimeoutMs * 2, 10_000),
      allowAutoTopicCreation: false,
      // Fetches of a few MB: larger ones barely speed counting up but grow memory with them.
      maxBytesPerPartition: 1024 * 1024,
      maxBytes: 4 * 1024 * 1024,
      maxWaitTimeInMs: 200,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    this.failure = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    this.failure.catch(() => undefined);
  }

  /** Rejects when the member has failed for good (its consumer crashed and will not restart). */
  failed(): Promise<never> {
    return this.failure;
  }

  async start(): Promise<void> {
    await this.admin.connect();
    // The partition count comes from metadata, which a topic has as soon as it exists; asking for
    // offsets right after the topic was created can meet a partition whose leader is not yet known.
    const metadata = await this.admin.fetchTopicMetadata({ topics: [this.options.topic] });
    this.flowPartitions = metadata.topics[0]?.partitions.length ?? 0;
    await this.deadLetters.connect();
    await this.consumer.connect();
    this.running = true;
    const { GROUP_JOIN, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      this.expected.clear();
      this.epochs.clear();
      const fields = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) =>
        partitions.map((partition) => partitionField(topic, partition)),
      );
      this.claiming = this.claim(fields);
    });
    this.consumer.on(CRASH, ({ payload }) => {
      if (!payload.restart) this.fail(payload.error);
    });
    await this.consumer.subscribe({ topics: [this.options.topic, this.dlq], fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** Leaves the group promptly; a batch in hand is finished or abandoned, both exact. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.running = false;
      await this.consumer.disconnect();
      await this.deadLetters.disconnect();
      await this.admin.disconnect();
    })();
    return this.stopping;
  }

  /** Takes a new fencing epoch for the partitions just assigned, so their previous owner can no longer write. */
  private async claim(fields: readonly string[]): Promise<void> {
    if (fields.length === 0) return;
    const epoch = await retryRedis(
      () => this.state.claim(fields, this.highestEpoch),
      { keepGoing: () => this.running },
      this.log,
    );
    if (epoch === undefined) return;
    this.highestEpoch = Math.max(this.highestEpoch, epoch);
    for (const field of fields) this.epochs.set(field, epoch);
    this.log.info({ epoch, partitions: fields }, 'partitions claimed');
  }

  private async handleBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (batch.isEmpty()) return;
    await this.claiming;
    const field = partitionField(batch.topic, batch.partition);
    const epoch = this.epochs.get(field);
    if (epoch === undefined) return;
    const control = {
      keepGoing: () => this.running && payload.isRunning() && !payload.isStale(),
      between: () => payload.heartbeat(),
    };

    const low = await this.lowWatermark(batch.topic, batch.partition);
    const stored =
      this.expected.get(field) ?? (await retryRedis(() => this.state.nextOffset(field), control, this.log));
    if (stored === undefined) return;
    const start = stored ?? low;
    const first = Number(batch.firstOffset());
    const next = Number(batch.lastOffset()) + 1;
    this.stats.lag.set(field, Number(batch.offsetLag()));

    if (first > start) {
      // Kafka's position is ahead of the state (the state was lost, or rebuilt): go back to it.
      await this.rewind(batch, start);
      return;
    }
    if (next <= start) {
      // Redelivered, all counted already (an offset commit to Kafka was lost).
      payload.resolveOffset(batch.lastOffset());
      await payload.commitOffsetsIfNecessary();
      return;
    }

    const tally =
      batch.topic === this.dlq ? tallyDeadLetters(batch.messages, start) : tallyFlows(batch.messages, start);
    if (tally.rejects.length > 0) await this.sendToDeadLetters(batch, tally.rejects);
    const result = await retryRedis(
      () =>
        this.state.apply({
          field,
          epoch,
          from: start,
          next,
          startIfUnknown: low,
          partitions: this.flowPartitions,
          tally,
        }),
      control,
      this.log,
    );
    if (result === undefined) return;
    await this.settle(payload, { field, epoch, from: start, next }, tally, result);
  }

  private async settle(
    payload: EachBatchPayload,
    span: BatchSpan,
    tally: BatchTally,
    result: ApplyResult,
  ): Promise<void> {
    const { batch } = payload;
    const { field, epoch, next } = span;
    if (result.status === 'offset-mismatch' && result.stored !== next) {
      this.stats.batchesRefused++;
      this.log.info(
        { partition: field, from: batch.firstOffset(), stored: result.stored },
        'batch refused: the state is elsewhere; following it',
      );
      this.expected.set(field, result.stored);
      await this.rewind(batch, result.stored);
      return;
    }
    if (result.status === 'fenced') {
      this.stats.batchesRefused++;
      this.expected.delete(field);
      if (result.owner < epoch) {
        // An older claim landed after ours: we are the current owner, so claim again.
        this.log.warn(
          { partition: field, epoch, owner: result.owner },
          'partition claimed by an older epoch; reclaiming',
        );
        this.claiming = this.claim([field]);
        return;
      }
      this.log.warn(
        { partition: field, epoch, owner: result.owner },
        'batch refused: a newer member owns this partition',
      );
      await sleep(FENCED_PAUSE_MS);
      await payload.heartbeat();
      return;
    }
    // Applied now, or by an earlier attempt whose reply was lost (the stored offset is already `next`).
    this.expected.set(field, next);
    this.stats.batchesApplied++;
    this.stats.flowsApplied += tally.flows;
    this.stats.undecodable += tally.undecodable;
    if (batch.topic !== this.dlq) this.recordLatency(batch, span.from);
    payload.resolveOffset(batch.lastOffset());
    await payload.heartbeat();
    await payload.commitOffsetsIfNecessary();
  }

  private recordLatency(batch: Batch, from: number): void {
    const now = Date.now();
    for (const message of batch.messages) {
      if (Number(message.offset) >= from) this.stats.latency.record(now - Number(message.timestamp));
    }
  }

  private async rewind(batch: Batch, offset: number): Promise<void> {
    const low = await this.lowWatermark(batch.topic, batch.partition, true);
    if (offset < low) {
      const error = new FlowwatchError(
        ErrorCode.STATE_INCOMPLETE,
        `${batch.topic}/${batch.partition}: messages from offset ${offset} were deleted by retention before they were counted; reset the state (keys ${this.options.keyPrefix}:*) to count what is left`,
      );
      this.fail(error);
      throw error;
    }
    this.consumer.seek({ topic: batch.topic, partition: batch.partition, offset: String(offset) });
  }

  private async lowWatermark(topic: string, partition: number, refresh = false): Promise<number> {
    const field = partitionField(topic, partition);
    const cached = this.lowWatermarks.get(field);
    if (cached !== undefined && !refresh) return cached;
    for (const p of await this.admin.fetchTopicOffsets(topic)) {
      this.lowWatermarks.set(partitionField(topic, p.partition), Number(p.low));
    }
    return this.lowWatermarks.get(field) ?? 0;
  }

  private async sendToDeadLetters(batch: Batch, rejects: readonly UndecodableMessage[]): Promise<void> {
    for (const reject of rejects) {
      this.rejections.reject({ topic: batch.topic, partition: batch.partition, offset: reject.offset }, reject.reason);
    }
    await this.deadLetters.send({
      topic: this.dlq,
      acks: -1,
      messages: rejects.map((reject) =>
        rejectedMessage(
          reject.value,
          reject.headers,
          { topic: batch.topic, partition: batch.partition, offset: reject.offset },
          reject.reason,
        ),
      ),
    });
  }
}
