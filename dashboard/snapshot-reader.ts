// Reads one dashboard snapshot: the state's view (ranking, totals, progress, watermark, last check,
// partial counts) and, in the same round, the hourly counts of the top devices. Redis or Kafka may be
// away: the snapshot then says so, and the next read tries again.

import type { Admin } from 'kafkajs';
import type { Config } from '../config/index.ts';
import { FlowRate } from '../display/index.ts';
import { connectAdmin, createKafka, TopicSet } from '../kafka/index.ts';
import type { Logger } from '../runtime/index.ts';
import {
  createRedis,
  logReadCondition,
  type RankedDevice,
  type RedisClient,
  StateReader,
  type StateView,
  StateViewReader,
  stateKeyPattern,
} from '../state/index.ts';
import { hourlySeries } from './hourly-series.ts';
import type { HourlySeries, Snapshot } from './snapshot.ts';

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

export class SnapshotReader {
  private readonly config: Config;
  private readonly log: Logger;
  private readonly minCount: number;
  private readonly redis: RedisClient;
  private readonly view: StateViewReader;
  private admin: Admin | undefined;
  private readonly produced = new FlowRate(RATE_WINDOW_MS);
  private readonly consumed = new FlowRate(RATE_WINDOW_MS);

  constructor(config: Config, log: Logger, options: SnapshotOptions) {
    this.config = config;
    this.log = log;
    this.minCount = options.minCount;
    // The client reconnects by itself for ever (see createRedis), which is what lets the page recover.
    this.redis = createRedis(config);
    const { topic } = config;
    this.view = new StateViewReader(
      new StateReader(this.redis, config.keyPrefix),
      { ...options, topics: new TopicSet(topic).names },
      logReadCondition(log, 'the dashboard'),
      { admin: () => this.connectedAdmin(), failed: () => this.dropAdmin() },
    );
  }

  async read(): Promise<Snapshot> {
    const at = new Date().toISOString();
    const { topic } = this.config;
    const keyPattern = stateKeyPattern(this.config.keyPrefix);
    const { minCount } = this;
    let view: StateView;
    let hourly: HourlySeries;
    try {
      [view, hourly] = await this.view.readWith(readHourly);
    } catch {
      return { ...unreadable(), at, topic, keyPattern, minCount };
    }
    const { totals, progress } = view;
    const now = performance.now();
    const endOffsets = progress?.filter((p) => p.topic === topic).reduce((sum, p) => sum + p.end, 0);
    return {
      top: view.ranking,
      devicesAtMinCount: view.devicesAtMinCount,
      totals,
      deadLetters: totals.invalidLines + totals.undecodable,
      watermark: view.watermark ?? null,
      hourly,
      check: view.check,
      countedFrom: Object.fromEntries(view.partialStarts),
      at,
      topic,
      keyPattern,
      minCount,
      redisReachable: true,
      kafkaReachable: progress !== undefined,
      partitions: (progress ?? []).toSorted((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition),
      producedPerSecond: endOffsets === undefined ? null : this.produced.record(endOffsets, now),
      consumedPerSecond: this.consumed.record(totals.flows, now),
    };
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await this.dropAdmin();
  }

  private async connectedAdmin(): Promise<Admin> {
    this.admin ??= await connectAdmin(createKafka(this.config, this.log, 'flowwatch-dashboard'), this.config);
    return this.admin;
  }

  /** After a failed read, a fresh client next time: kafkajs may keep a broken connection after a broker restart. */
  private async dropAdmin(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await admin?.disconnect().catch(() => undefined);
  }
}

/** The top devices' counts in the last hours, read along with the view. */
async function readHourly(state: StateReader, ranking: Promise<RankedDevice[]>): Promise<HourlySeries> {
  const [top, hours] = await Promise.all([ranking, state.hours()]);
  const devices = top.slice(0, HOURLY_DEVICES).map((d) => d.device);
  const shown = hours.slice(-HOURS_SHOWN);
  return hourlySeries(shown, devices, await state.hourlyScores(shown, devices), hours.length - shown.length);
}

/** What a snapshot holds when Redis could not be read: nothing but the fact. */
function unreadable(): Omit<Snapshot, 'at' | 'topic' | 'keyPattern' | 'minCount'> {
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
