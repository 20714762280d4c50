// The consumer's state in Redis: counts, totals, applied offsets and fencing epochs, changed only
// through the Lua scripts beside this file, one round trip per partition batch.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { hourKeyBase, redisKeys } from '../common/index.ts';
import type { BatchTally } from './batch-tally.ts';

const script = (name: string) => readFileSync(new URL(`./lua/${name}`, import.meta.url), 'utf8');

export type ApplyResult =
  | { readonly status: 'applied'; readonly next: number }
  /** The batch did not start at the stored next offset; nothing was applied. */
  | { readonly status: 'offset-mismatch'; readonly stored: number }
  /** Another writer holds the partition; nothing was applied. */
  | { readonly status: 'fenced'; readonly owner: number };

export interface ApplyRequest {
  readonly field: string;
  readonly epoch: number;
  readonly from: number;
  readonly next: number;
  /** Next offset to assume when Redis holds none for the partition. */
  readonly startIfUnknown: number;
  /** Partitions of the flow topic: the watermark waits until every one has been seen. */
  readonly partitions: number;
  readonly tally: BatchTally;
}

/** Default allowed lateness: how far behind the slowest partition's event time an hour stays open. */
export const DEFAULT_LATENESS_SECONDS = 300;

interface StateCommands {
  applyBatch(...args: (string | number)[]): Promise<[number, string]>;
  claimPartitions(...args: (string | number)[]): Promise<number>;
  deleteState(...args: string[]): Promise<number>;
}

export class CounterState {
  private readonly redis: Redis & StateCommands;
  private readonly latenessSeconds: number;
  private readonly hourBase: string;
  private readonly keys: {
    webservers: string;
    totals: string;
    offsets: string;
    owners: string;
    epoch: string;
    hours: string;
    late: string;
    eventTimes: string;
    watermark: string;
    check: string;
  };

  constructor(redis: Redis, prefix: string, latenessSeconds = DEFAULT_LATENESS_SECONDS) {
    if (!('applyBatch' in redis)) {
      redis.defineCommand('applyBatch', { numberOfKeys: 8, lua: script('apply-batch-8.lua') });
      redis.defineCommand('claimPartitions', { numberOfKeys: 2, lua: script('claim-partitions-2.lua') });
      redis.defineCommand('deleteState', { numberOfKeys: 10, lua: script('delete-state-10.lua') });
    }
    this.redis = redis as Redis & StateCommands;
    this.latenessSeconds = latenessSeconds;
    this.hourBase = hourKeyBase(prefix);
    this.keys = {
      webservers: redisKeys.webservers(prefix),
      totals: redisKeys.totals(prefix),
      offsets: redisKeys.offsets(prefix),
      owners: redisKeys.owners(prefix),
      epoch: redisKeys.epoch(prefix),
      hours: redisKeys.hours(prefix),
      late: redisKeys.late(prefix),
      eventTimes: redisKeys.eventTimes(prefix),
      watermark: redisKeys.watermark(prefix),
      check: redisKeys.check(prefix),
    };
  }

  /** Deletes the whole state of the prefix at once; consumers then rebuild it from the topic's start. */
  async deleteAll(): Promise<number> {
    const k = this.keys;
    return this.redis.deleteState(
      ...[k.webservers, k.totals, k.offsets, k.owners, k.epoch, k.hours, k.late, k.eventTimes, k.watermark, k.check],
      this.hourBase,
    );
  }

  /** Takes a new fencing epoch above `floor` and makes it the owner of `fields`. */
  async claim(fields: readonly string[], floor: number): Promise<number> {
    return Number(await this.redis.claimPartitions(this.keys.owners, this.keys.epoch, floor, ...fields));
  }

  /** The stored next offset of a partition, or null when Redis holds none. */
  async nextOffset(field: string): Promise<number | null> {
    const value = await this.redis.hget(this.keys.offsets, field);
    return value === null ? null : Number(value);
  }

  async apply(request: ApplyRequest): Promise<ApplyResult> {
    const { tally } = request;
    const { keys } = this;
    const args: (string | number)[] = [
      keys.webservers,
      keys.totals,
      keys.offsets,
      keys.owners,
      keys.hours,
      keys.late,
      keys.eventTimes,
      keys.watermark,
      request.field,
      request.epoch,
      request.from,
      request.next,
      request.startIfUnknown,
      tally.maxTime,
      this.hourBase,
      request.partitions,
      this.latenessSeconds,
      tally.flows,
      tally.webRequests,
      tally.invalidLines,
      tally.undecodable,
      tally.devices.size,
    ];
    for (const [device, count] of tally.devices) args.push(device, count);
    for (const [hour, devices] of tally.hours) {
      for (const [device, count] of devices) args.push(hour, device, count);
    }
    const [code, value] = await this.redis.applyBatch(...args);
    if (code === 1) return { status: 'applied', next: Number(value) };
    if (code === -1) return { status: 'offset-mismatch', stored: Number(value) };
    return { status: 'fenced', owner: Number(value) };
  }
}
