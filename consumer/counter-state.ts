// The consumer's state in Redis: counts, totals, applied offsets and fencing epochs, changed only
// through the Lua scripts beside this file, one round trip per partition batch.
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { redisKeys } from '../common/index.ts';
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
  readonly tally: BatchTally;
}

interface StateCommands {
  applyBatch(...args: (string | number)[]): Promise<[number, string]>;
  claimPartitions(...args: (string | number)[]): Promise<number>;
}

export class CounterState {
  private readonly redis: Redis & StateCommands;
  private readonly keys: { webservers: string; totals: string; offsets: string; owners: string; epoch: string };

  constructor(redis: Redis, prefix: string) {
    if (!('applyBatch' in redis)) {
      redis.defineCommand('applyBatch', { numberOfKeys: 4, lua: script('apply-batch-4.lua') });
      redis.defineCommand('claimPartitions', { numberOfKeys: 2, lua: script('claim-partitions-2.lua') });
    }
    this.redis = redis as Redis & StateCommands;
    this.keys = {
      webservers: redisKeys.webservers(prefix),
      totals: redisKeys.totals(prefix),
      offsets: redisKeys.offsets(prefix),
      owners: redisKeys.owners(prefix),
      epoch: redisKeys.epoch(prefix),
    };
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
    const args: (string | number)[] = [
      this.keys.webservers,
      this.keys.totals,
      this.keys.offsets,
      this.keys.owners,
      request.field,
      request.epoch,
      request.from,
      request.next,
      request.startIfUnknown,
      tally.flows,
      tally.webRequests,
      tally.invalidLines,
      tally.undecodable,
    ];
    for (const [device, count] of tally.devices) args.push(device, count);
    const [code, value] = await this.redis.applyBatch(...args);
    if (code === 1) return { status: 'applied', next: Number(value) };
    if (code === -1) return { status: 'offset-mismatch', stored: Number(value) };
    return { status: 'fenced', owner: Number(value) };
  }
}
