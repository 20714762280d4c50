// Reads one dashboard snapshot: the ranking, totals, watermark, hourly counts and last check from
// Redis (read commands only), and the partitions' end offsets from Kafka. Either may be away: the
// snapshot then says so, and the next read tries again.

import type { Admin } from 'kafkajs';
import type { Config } from '../config/index.ts';
import { FlowRate } from '../display/index.ts';
import { connectAdmin, createKafka, TopicSet } from '../kafka/index.ts';
import { type Logger, within } from '../runtime/index.ts';
import type { RedisClient } from '../state/index.ts';
import { createRedis, type PartitionProgress, StateReader, stateProgress } from '../state/index.ts';
import { hourlySeries } from './hourly-series.ts';
import type { Snapshot } from './snapshot.ts';

export interface SnapshotOptions {
  /** Devices in the ranking. */
  readonly top: number;
  /** Devices with at least this many web requests are likely web servers (the line on the chart). */
  readonly minCount: number;
  /** A read that takes longer counts as "not reachable", so a dead connection cannot stall the page. */
  readonly readTimeoutMs: number;
}

/** The hourly chart follows this many of the top devices: more lines would be unreadable. */
const HOURLY_DEVICES = 5;
/**
 * The hourly chart shows the last this many hours counted (a week when none is missing): each is read
 * at every refresh and sent to every page, so the work must not grow with the length of the stream.
 */
export const HOURS_SHOWN = 168;
/** Flows/s are averaged over this long. */
const RATE_WINDOW_MS = 3000;

/** The part of a snapshot that comes from Redis alone. */
type RedisPart = Pick<
  Snapshot,
  'top' | 'devicesAtMinCount' | 'deadLetters' | 'watermark' | 'hourly' | 'check' | 'countedFrom'
> & {
  readonly totals: NonNullable<Snapshot['totals']>;
};

export class SnapshotReader {
  private readonly config: Config;
  private readonly log: Logger;
  private readonly options: SnapshotOptions;
  private readonly redis: RedisClient;
  private readonly state: StateReader;
  private admin: Admin | undefined;
  /** A Kafka read still under way; the next snapshot waits on it rather than piling up another. */
  private progressRead: Promise<PartitionProgress[]> | undefined;
  private readonly produced = new FlowRate(RATE_WINDOW_MS);
  private readonly consumed = new FlowRate(RATE_WINDOW_MS);
  private redisWasReachable = true;
  private kafkaWasReachable = true;

  constructor(config: Config, log: Logger, options: SnapshotOptions) {
    this.config = config;
    this.log = log;
    this.options = options;
    // The client reconnects by itself for ever (see createRedis), which is what lets the page recover.
    this.redis = createRedis(config);
    this.state = new StateReader(this.redis, config.keyPrefix);
  }

  async read(): Promise<Snapshot> {
    const at = new Date().toISOString();
    const { topic, keyPrefix } = this.config;
    const { minCount } = this.options;
    const fromRedis = await within(this.readRedis(), this.options.readTimeoutMs, 'Redis').catch((error: unknown) => {
      this.noteReachable('Redis', false, error);
      return undefined;
    });
    if (fromRedis === undefined) return { ...unreadable(), at, topic, keyPrefix, minCount };
    this.noteReachable('Redis', true);
    const progress = await within(this.readProgress(), this.options.readTimeoutMs, 'Kafka').catch((error: unknown) => {
      this.noteReachable('Kafka', false, error);
      return undefined;
    });
    if (progress !== undefined) this.noteReachable('Kafka', true);
    const now = performance.now();
    const endOffsets = progress?.filter((p) => p.topic === topic).reduce((sum, p) => sum + p.end, 0);
    return {
      ...fromRedis,
      at,
      topic,
      keyPrefix,
      minCount,
      redisReachable: true,
      kafkaReachable: progress !== undefined,
      partitions: (progress ?? []).toSorted((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
      producedPerSecond: endOffsets === undefined ? null : this.produced.record(endOffsets, now),
      consumedPerSecond: this.consumed.record(fromRedis.totals.flows, now),
    };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }

  private async readRedis(): Promise<RedisPart> {
    const { state } = this;
    const [top, devicesAtMinCount, totals, watermark, check, hours, partial] = await Promise.all([
      state.ranking(this.options.top),
      state.deviceCount(this.options.minCount),
      state.totals(),
      state.watermark(),
      state.check(),
      state.hours(),
      state.partialStarts(),
    ]);
    const devices = top.slice(0, HOURLY_DEVICES).map((d) => d.device);
    const shown = hours.slice(-HOURS_SHOWN);
    return {
      top,
      devicesAtMinCount,
      totals,
      deadLetters: totals.invalidLines + totals.undecodable,
      watermark: watermark ?? null,
      hourly: hourlySeries(shown, devices, await state.hourlyScores(shown, devices), hours.length - shown.length),
      check,
      countedFrom: Object.fromEntries(partial),
    };
  }

  private readProgress(): Promise<PartitionProgress[]> {
    this.progressRead ??= (async () => {
      try {
        this.admin ??= await connectAdmin(createKafka(this.config, this.log, 'flowwatch-dashboard'), this.config);
        return await stateProgress(this.admin, this.state, new TopicSet(this.config.topic).names);
      } catch (error) {
        // A fresh client next time: kafkajs may keep a broken connection after a broker restart.
        const admin = this.admin;
        this.admin = undefined;
        await admin?.disconnect().catch(() => undefined);
        throw error;
      } finally {
        this.progressRead = undefined;
      }
    })();
    return this.progressRead;
  }

  /** Logs only the changes, not every failed read. */
  private noteReachable(what: 'Redis' | 'Kafka', reachable: boolean, error?: unknown): void {
    const key = what === 'Redis' ? 'redisWasReachable' : 'kafkaWasReachable';
    if (this[key] === reachable) return;
    this[key] = reachable;
    if (reachable) this.log.info(`${what} answers again`);
    else this.log.warn({ err: error }, `${what} does not answer: the dashboard says so and keeps trying`);
  }
}

/** What a snapshot holds when Redis could not be read: nothing but the fact. */
function unreadable(): Omit<Snapshot, 'at' | 'topic' | 'keyPrefix' | 'minCount'> {
  return {
    redisReachable: false,
    kafkaReachable: false,
    top: [],
    devicesAtMinCount: 0,
    totals: null,
    deadLetters: null,
    partitions: [],
    producedPerSecond: null,
    consumedPerSecond: null,
    watermark: null,
    hourly: { hours: [], earlierHours: 0, devices: [] },
    check: null,
    countedFrom: {},
  };
}
