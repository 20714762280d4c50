// Read-only views of the counting state, for `top`, the status boards, `verify`, the dashboard and
// the tests: every read of the state goes through here.
import { type CheckRecord, parseCheck } from './check-record.ts';
import { type PartitionId, stateKeys, TOTAL_NAMES, type TotalName } from './keys.ts';
import type { StateClient } from './state-client.ts';

export interface RankedDevice {
  readonly device: string;
  readonly webRequests: number;
}

export type StateTotals = Readonly<Record<TotalName, number>>;

/** Scores come back from Redis as flat [member, score, member, score, ...] lists. */
function pairs(flat: readonly string[]): [string, number][] {
  const entries: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2) entries.push([flat[i] as string, Number(flat[i + 1])]);
  return entries;
}

/** The hour numbers of the hours set (members of a sorted set, so strings), in time order. */
export function hoursInOrder(members: readonly string[]): number[] {
  return members
    .map(Number)
    .filter((hour) => Number.isInteger(hour))
    .sort((a, b) => a - b);
}

export class StateReader {
  private readonly redis: StateClient;
  private readonly prefix: string;

  constructor(redis: StateClient, prefix: string) {
    this.redis = redis;
    this.prefix = prefix;
  }

  /** The top `limit` devices by web requests, with at least `minCount` of them. */
  ranking(limit: number, minCount = 0): Promise<RankedDevice[]> {
    return this.rankingOf(stateKeys.webservers(this.prefix), limit, minCount);
  }

  /** The top `limit` devices of one event-time hour. */
  hourRanking(hour: number, limit: number, minCount = 0): Promise<RankedDevice[]> {
    return this.rankingOf(stateKeys.hour(this.prefix, hour), limit, minCount);
  }

  /** How many devices have at least `minCount` web requests. */
  deviceCount(minCount = 0): Promise<number> {
    return this.redis.zcount(stateKeys.webservers(this.prefix), minCount, '+inf');
  }

  async totals(): Promise<StateTotals> {
    const hash = await this.redis.hgetall(stateKeys.totals(this.prefix));
    return Object.fromEntries(TOTAL_NAMES.map((name) => [name, Number(hash[name] ?? 0)])) as StateTotals;
  }

  /** Every device's all-time score, read in pages so a large set does not block Redis. */
  allScores(): Promise<Map<string, number>> {
    return this.scan(stateKeys.webservers(this.prefix));
  }

  /**
   * Calls `visit` with every device's all-time score, page by page, holding none of them: for sets
   * too large for memory. A device may be visited twice (ZSCAN's rule); take the later visit's score.
   */
  async eachScore(visit: (device: string, score: number) => void): Promise<void> {
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.zscan(stateKeys.webservers(this.prefix), cursor, 'COUNT', 5000);
      for (let i = 0; i < flat.length; i += 2) visit(flat[i] as string, Number(flat[i + 1]));
      cursor = next;
    } while (cursor !== '0');
  }

  /** Every device's count of web requests that came after their hour was final. */
  lateScores(): Promise<Map<string, number>> {
    return this.scan(stateKeys.late(this.prefix));
  }

  /** Every device's count in one event-time hour. */
  hourScores(hour: number): Promise<Map<string, number>> {
    return this.scan(stateKeys.hour(this.prefix, hour));
  }

  /** The hours that have web requests, oldest first. */
  async hours(): Promise<number[]> {
    return hoursInOrder(await this.redis.zrange(stateKeys.hours(this.prefix), '0', '-1'));
  }

  /** For each hour, the web requests of each device (null: none), in one pipelined round trip. */
  async hourlyScores(hours: readonly number[], devices: readonly string[]): Promise<(string | null)[][]> {
    if (hours.length === 0 || devices.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const hour of hours) pipeline.zmscore(stateKeys.hour(this.prefix, hour), ...devices);
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([error, reply]) => {
      if (error) throw error;
      return reply as (string | null)[];
    });
  }

  /** The watermark in event-time seconds, or undefined before every partition has been seen. */
  async watermark(): Promise<number | undefined> {
    const value = await this.redis.get(stateKeys.watermark(this.prefix));
    return value === null || !Number.isFinite(Number(value)) ? undefined : Number(value);
  }

  /** The last batch check, or null when there is none (or it is not the expected shape). */
  async check(): Promise<CheckRecord | null> {
    return parseCheck(await this.redis.get(stateKeys.check(this.prefix)));
  }

  /** The stored next offset of every partition the state has applied. */
  async appliedOffsets(): Promise<Map<PartitionId, number>> {
    const hash = await this.redis.hgetall(stateKeys.offsets(this.prefix));
    return new Map(Object.entries(hash).map(([id, offset]) => [id, Number(offset)]));
  }

  /**
   * The partitions counted without the messages Kafka had deleted (consume --accept-partial), each
   * with the offset its count starts at; empty when every partition is counted whole.
   */
  async partialStarts(): Promise<Map<PartitionId, number>> {
    const hash = await this.redis.hgetall(stateKeys.partial(this.prefix));
    return new Map(Object.entries(hash).map(([id, offset]) => [id, Number(offset)]));
  }

  /** The consumer group that counts into this state, or undefined before its first claim. */
  async owningGroup(): Promise<string | undefined> {
    return (await this.redis.get(stateKeys.group(this.prefix))) ?? undefined;
  }

  /** The fencing epoch that owns each partition. */
  async owners(): Promise<Map<PartitionId, number>> {
    const hash = await this.redis.hgetall(stateKeys.owners(this.prefix));
    return new Map(Object.entries(hash).map(([id, epoch]) => [id, Number(epoch)]));
  }

  private async rankingOf(key: string, limit: number, minCount: number): Promise<RankedDevice[]> {
    if (limit <= 0) return [];
    const flat = await this.redis.zrevrangebyscore(key, '+inf', minCount, 'WITHSCORES', 'LIMIT', 0, limit);
    return pairs(flat).map(([device, webRequests]) => ({ device, webRequests }));
  }

  private async scan(key: string): Promise<Map<string, number>> {
    const scores = new Map<string, number>();
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.zscan(key, cursor, 'COUNT', 1000);
      for (const [member, score] of pairs(flat)) scores.set(member, score);
      cursor = next;
    } while (cursor !== '0');
    return scores;
  }
}
