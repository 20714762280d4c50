// One member of the consumer group: joins it, reads the flow topic and its dead-letter topic, and
// hands each partition batch to the applier; its lifecycle (start, stop, failure) is written here once.
// Redis, not Kafka, holds the truth of how far the state has got; Kafka's group offsets mirror it.
import type { Admin, Consumer, Kafka } from 'kafkajs';
import { deadLetterBounds, refuseTopicsTooSmall } from '../flow/index.ts';
import { keepRecordBytes, type RecordBatchLimit, readRecordBatchLimitsPatiently, TopicSet } from '../kafka/index.ts';
import type { Logger } from '../runtime/index.ts';
import { otherGroup, type PartitionId, type StateClient, StateReader, StateWriter } from '../state/index.ts';
import { BatchApplier } from './batch-applier.ts';
import { batchFailure } from './batch-failure.ts';
import { type ConsumerInstrumentation, consumerInstrumentation } from './consumer-events.ts';
import { DeadLetterSender } from './dead-letter-sender.ts';
import { groupTiming } from './group-timing.ts';
import { PartitionFencing } from './partition-fencing.ts';
import { PartitionStart } from './partition-start.ts';
import { RetainedOffsets } from './retained-offsets.ts';

export interface MemberOptions {
  readonly topic: string;
  readonly group: string;
  readonly keyPrefix: string;
  /** A member silent this long is dropped from the group and its partitions handed on. */
  readonly sessionTimeoutMs: number;
  /** Partition batches tallied and applied at once. */
  readonly partitionsConcurrently: number;
  /** How long, in event-time seconds, an hour stays open behind the slowest partition. */
  readonly latenessSeconds: number;
  /** Event-time plausibility bound, in seconds: a later Time enters no hour and leaves the watermark alone. */
  readonly maxEventTime: number;
  /** Replicas that must hold a batch before its offset is committed to Kafka (0: none), and each wait's bound. */
  readonly waitReplicas: number;
  readonly waitTimeoutMs: number;
  /** Count a partition whose first messages Kafka deleted, from its first retained offset, marked partial. */
  readonly acceptPartial: boolean;
}

export class GroupMember {
  /** What the member does, as it happens: batches applied, partitions claimed, ... */
  readonly events: ConsumerInstrumentation = consumerInstrumentation();
  private readonly options: MemberOptions;
  private readonly topics: TopicSet;
  private readonly consumer: Consumer;
  private readonly admin: Admin;
  private readonly deadLetters: DeadLetterSender;
  private readonly fencing: PartitionFencing;
  private readonly applier: BatchApplier;
  private readonly reader: StateReader;
  private readonly partitionStart: PartitionStart;
  /** Partitions of the flow topic, for the watermark. */
  private flowPartitions = 0;
  private running = false;
  private stopping: Promise<void> | undefined;
  /** Undoes keepRecordBytes: the flow topic's records are fetched as bytes while the member runs. */
  private releaseRecordBytes: () => void = () => {};
  private readonly log: Logger;
  private readonly failure: Promise<never>;
  private fail: (error: Error) => void = () => {};

  constructor(kafka: Kafka, redis: StateClient, options: MemberOptions, log: Logger) {
    this.options = options;
    this.log = log;
    this.topics = new TopicSet(options.topic);
    const state = new StateWriter(redis, options.keyPrefix, options.latenessSeconds, options.group);
    this.reader = new StateReader(redis, options.keyPrefix);
    this.admin = kafka.admin();
    this.deadLetters = new DeadLetterSender(kafka, this.topics.deadLetters, log);
    this.fencing = new PartitionFencing(state, this.events, log, { keepGoing: () => this.running }, (error) =>
      this.fail(error),
    );
    const timing = groupTiming(options.sessionTimeoutMs);
    this.consumer = kafka.consumer({
      groupId: options.group,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: timing.heartbeatIntervalMs,
      rebalanceTimeout: timing.rebalanceTimeoutMs,
      allowAutoTopicCreation: false,
      // Fetches of a few MB: larger ones barely speed counting up but grow memory with them.
      maxBytesPerPartition: 1024 * 1024,
      maxBytes: 4 * 1024 * 1024,
      maxWaitTimeInMs: 200,
      retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5000 },
    });
    const retained = new RetainedOffsets(this.admin);
    const seek = (topic: string, partition: number, offset: number) =>
      this.consumer.seek({ topic, partition, offset: String(offset) });
    this.partitionStart = new PartitionStart({
      state,
      retained,
      admin: this.admin,
      group: options.group,
      keyPrefix: options.keyPrefix,
      acceptPartial: options.acceptPartial,
      log,
      epochOf: (id) => this.fencing.epochOf(id),
      seek,
      fail: (error) => this.fail(error),
    });
    this.applier = new BatchApplier({
      state,
      fencing: this.fencing,
      start: this.partitionStart,
      deadLetters: this.deadLetters,
      events: this.events,
      log,
      deadLetterTopic: this.topics.deadLetters,
      waitReplicas: options.waitReplicas,
      waitTimeoutMs: options.waitTimeoutMs,
      maxEventTime: options.maxEventTime,
      flowPartitions: () => this.flowPartitions,
      running: () => this.running,
    });
    this.failure = new Promise<never>((_, reject) => {
      this.fail = reject;
    });
    this.failure.catch(() => undefined);
  }

  /** The partitions this member holds now, each with its fencing epoch. */
  get partitionsOwned(): ReadonlyMap<PartitionId, number> {
    return this.fencing.owned;
  }

  /** Rejects when the member has failed for good (its consumer crashed and will not restart). */
  failed(): Promise<never> {
    return this.failure;
  }

  async start(): Promise<void> {
    // Another group's state is refused before joining (the claim script refuses it atomically too).
    const owner = await this.reader.owningGroup();
    if (owner !== undefined && owner !== this.options.group)
      throw otherGroup(this.options.keyPrefix, owner, this.options.group);
    await this.admin.connect();
    // The partition count comes from metadata, which a topic has as soon as it exists; asking for
    // offsets right after the topic was created can meet a partition whose leader is not yet known.
    const metadata = await this.admin.fetchTopicMetadata({ topics: [this.options.topic] });
    this.flowPartitions = metadata.topics[0]?.partitions.length ?? 0;
    const dlq = this.topics.deadLetters;
    const limits = await readRecordBatchLimitsPatiently(this.admin, [dlq], this.log);
    const limit = limits.get(dlq) as RecordBatchLimit;
    // Refused before joining: a dead-letter topic too small for a dead letter of this topic.
    refuseTopicsTooSmall({ deadLetters: { topic: dlq, limit }, source: this.options.topic, sourceId: '' });
    await this.deadLetters.connect(limit.bytes, deadLetterBounds(limit.bytes, this.options.topic, ''));
    this.releaseRecordBytes = keepRecordBytes(this.options.topic);
    try {
      await this.join();
    } catch (error) {
      // A start that fails keeps nothing: the topic's records are no longer held as bytes for it.
      this.releaseRecordBytes();
      throw error;
    }
  }

  /** Joins the group and starts reading: everything of start that needs the records kept as bytes. */
  private async join(): Promise<void> {
    await this.consumer.connect();
    this.running = true;
    const { GROUP_JOIN, CRASH } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, ({ payload }) => {
      this.applier.forget();
      this.fencing.assigned(payload.memberAssignment);
      void this.partitionStart.settle(payload.memberAssignment, { keepGoing: () => this.running });
    });
    this.consumer.on(CRASH, ({ payload }) => {
      if (!payload.restart) this.fail(payload.error);
    });
    await this.consumer.subscribe({
      topics: [...this.topics.names],
      fromBeginning: true,
    });
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: 1000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConcurrently,
      eachBatch: (payload) =>
        this.applier.apply(payload).catch((error: unknown) => {
          // An error no retry cures (Redis or Kafka refusing for good, a fault of our own): kafkajs
          // would run the batch again and again, restarting for ever; the member ends instead, with
          // the reason in one sentence. Not thrown on: kafkajs would log it again with its stack; the
          // batch stays unresolved.
          if (batchFailure(error) === 'end') return this.fail(error as Error);
          throw error;
        }),
    });
  }

  /** Leaves the group promptly; a batch in hand is finished or abandoned, both exact. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.running = false;
      await this.consumer.disconnect();
      await this.deadLetters.disconnect();
      await this.admin.disconnect();
      this.releaseRecordBytes();
    })();
    return this.stopping;
  }
}
