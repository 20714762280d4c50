// The state as the status displays show it (the consumer's board, the walkthrough's ranking, the
// dashboard): the ranking, the totals, the devices at the threshold, the partitions counted in part,
// the watermark, the last check and, given Kafka, each partition's progress, read in one round. The
// displays only format it. A source that does not answer is told once per change (read-condition.ts).
import type { Admin } from 'kafkajs';
import { partitionEnds } from '../kafka/index.ts';
import { within } from '../runtime/index.ts';
import type { CheckRecord } from './check-record.ts';
import type { PartitionId } from './keys.ts';
import { type ConditionReport, ReadCondition, type ViewSource } from './read-condition.ts';
import { type PartitionEnd, type PartitionProgress, progressOf } from './state-progress.ts';
import type { RankedDevice, StateReader, StateTotals } from './state-reader.ts';

export interface StateViewOptions {
  /** Devices in the ranking. */
  readonly top: number;
  /** Devices with at least this many web requests are counted as likely web servers. */
  readonly minCount: number;
  /** The topics whose partitions' progress is read (the flow topic and its dead letters); none: no Kafka read. */
  readonly topics: readonly string[];
  /** A read that takes longer counts as failed, so a dead connection cannot stall a display. */
  readonly readTimeoutMs: number;
  /**
   * A Kafka failure rejects the read, as a Redis one does, instead of leaving the progress out: for
   * a reader that cannot go on without it (the walkthrough waits on it to know the state caught up).
   * Kafka's read is then bounded by kafkajs' own retries, not `readTimeoutMs`, so that what ends the
   * read is Kafka's reason rather than a timeout's.
   */
  readonly progressRequired?: boolean;
}

/** Where the partitions' end offsets come from: an admin, and what to do after a read of it failed. */
export interface EndOffsetSource {
  admin(): Promise<Admin>;
  /** For instance a fresh client next time: kafkajs may keep a broken connection after a broker restart. */
  failed?(): Promise<void>;
}

export interface StateView {
  readonly ranking: RankedDevice[];
  readonly devicesAtMinCount: number;
  readonly totals: StateTotals;
  /** Partitions counted without the messages Kafka had deleted, each with the offset its count starts at. */
  readonly partialStarts: ReadonlyMap<PartitionId, number>;
  /** Event-time seconds, undefined before the consumers set one. */
  readonly watermark: number | undefined;
  readonly check: CheckRecord | null;
  /** Undefined when no topic is asked for, or Kafka does not answer (unless progress is required). */
  readonly progress: PartitionProgress[] | undefined;
}

/** Reads a display adds to the view, begun with it; `ranking` is the view's, once read. */
export type MoreReads<M> = (state: StateReader, ranking: Promise<RankedDevice[]>) => Promise<M>;

export class StateViewReader {
  private readonly state: StateReader;
  private readonly options: StateViewOptions;
  private readonly condition: ReadCondition;
  private readonly kafka: EndOffsetSource | undefined;
  /** A Kafka read still under way; the next view waits on it rather than piling up another. */
  private endsRead: Promise<PartitionEnd[]> | undefined;
  private failed: ViewSource | undefined;

  constructor(state: StateReader, options: StateViewOptions, report: ConditionReport, kafka?: EndOffsetSource) {
    this.state = state;
    this.options = options;
    this.condition = new ReadCondition(report);
    // No topic asked for: no progress to read.
    this.kafka = options.topics.length === 0 ? undefined : kafka;
  }

  /** The source whose failure the last read rejected with; undefined when it did not reject. */
  get failedSource(): ViewSource | undefined {
    return this.failed;
  }

  /** The view; rejects when Redis (or, progress required, Kafka) does not answer, and tells it if that is news. */
  async read(): Promise<StateView> {
    const [view] = await this.readWith(async () => undefined);
    return view;
  }

  /** The view and `more`, read from the same state in the same round and time allowance. */
  async readWith<M>(more: MoreReads<M>): Promise<[StateView, M]> {
    const { readTimeoutMs, progressRequired = false } = this.options;
    const ends =
      this.kafka === undefined
        ? undefined
        : progressRequired
          ? this.readEnds(this.kafka)
          : within(this.readEnds(this.kafka), readTimeoutMs, 'Kafka');
    // Awaited only once Redis has answered: until then a Kafka failure must not count as unhandled.
    ends?.catch(() => undefined);
    let redis: Awaited<ReturnType<typeof this.readRedis<M>>>;
    try {
      redis = await within(this.readRedis(more), readTimeoutMs, 'Redis');
    } catch (error) {
      this.condition.note('Redis', error);
      this.failed = 'Redis';
      throw error;
    }
    this.condition.note('Redis');
    const { applied, extra, ...view } = redis;
    let progress: PartitionProgress[] | undefined;
    if (ends !== undefined) {
      try {
        progress = progressOf(await ends, applied);
        this.condition.note('Kafka');
      } catch (error) {
        this.condition.note('Kafka', error);
        if (progressRequired) {
          this.failed = 'Kafka';
          throw error;
        }
      }
    }
    this.failed = undefined;
    return [{ ...view, progress }, extra];
  }

  private async readRedis<M>(more: MoreReads<M>) {
    const { state } = this;
    const top = state.ranking(this.options.top);
    const [ranking, devicesAtMinCount, totals, partialStarts, watermark, check, applied, extra] = await Promise.all([
      top,
      state.deviceCount(this.options.minCount),
      state.totals(),
      state.partialStarts(),
      state.watermark(),
      state.check(),
      this.kafka === undefined ? new Map<PartitionId, number>() : state.appliedOffsets(),
      more(state, top),
    ]);
    return { ranking, devicesAtMinCount, totals, partialStarts, watermark, check, applied, extra };
  }

  private readEnds(kafka: EndOffsetSource): Promise<PartitionEnd[]> {
    this.endsRead ??= (async () => {
      try {
        return await partitionEnds(await kafka.admin(), this.options.topics);
      } catch (error) {
        await kafka.failed?.();
        throw error;
      } finally {
        this.endsRead = undefined;
      }
    })();
    return this.endsRead;
  }
}
