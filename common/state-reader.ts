// Read-only views of the counting state in Redis, for `top`, the status board and `verify`.
import type { Redis } from 'ioredis';
import { redisKeys } from './redis-keys.ts';

export interface RankedDevice {
  readonly device: string;
  readonly webRequests: number;
}

export interface StateTotals {
  readonly flows: number;
  readonly webRequests: number;
  readonly invalidLines: number;
  readonly undecodable: number;
}

/** The top `limit` devices by web requests, with at least `minCount` of them. */
export async function readRanking(redis: Redis, prefix: string, limit: number, minCount = 0): Promise<RankedDevice[]> {
  return rankingOf(redis, redisKeys.webservers(prefix), limit, minCount);
}

async function rankingOf(redis: Redis, key: string, limit: number, minCount: number): Promise<RankedDevice[]> {
  if (limit <= 0) return [];
  const flat = await redis.zrevrangebyscore(key, '+inf', minCount, 'WITHSCORES', 'LIMIT', 0, limit);
  const ranking: RankedDevice[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    ranking.push({ device: flat[i] as string, webRequests: Number(flat[i + 1]) });
  }
  return ranking;
}

/** How many devices have at least `minCount` web requests. */
export async function countDevices(redis: Redis, prefix: string, minCount = 0): Promise<number> {
  return redis.zcount(redisKeys.webservers(prefix), minCount, '+inf');
}

export async function readTotals(redis: Redis, prefix: string): Promise<StateTotals> {
  const hash = await redis.hgetall(redisKeys.totals(prefix));
  const value = (name: string) => Number(hash[name] ?? 0);
  return {
    flows: value('flows'),
    webRequests: value('webRequests'),
    invalidLines: value('invalidLines'),
    undecodable: value('undecodable'),
  };
}

/** Every device's score, streamed in pages so a large set does not block Redis. */
export async function readAllScores(redis: Redis, prefix: string): Promise<Map<string, number>> {
  const scores = new Map<string, number>();
  const key = redisKeys.webservers(prefix);
  let cursor = '0';
  do {
    const [next, flat] = await redis.zscan(key, cursor, 'COUNT', 1000);
    for (let i = 0; i < flat.length; i += 2) scores.set(flat[i] as string, Number(flat[i + 1]));
    cursor = next;
  } while (cursor !== '0');
  return scores;
}

/** The hours that have web requests, oldest first. */
export async function readHours(redis: Redis, prefix: string): Promise<number[]> {
  return (await redis.zrange(redisKeys.hours(prefix), '0', '-1')).map(Number).sort((a, b) => a - b);
}

/** The watermark in event-time seconds, or undefined before every partition has been seen. */
export async function readWatermark(redis: Redis, prefix: string): Promise<number | undefined> {
  const value = await redis.get(redisKeys.watermark(prefix));
  return value === null ? undefined : Number(value);
}

/** The top `limit` devices of one event-time hour. */
export async function readHourRanking(
  redis: Redis,
  prefix: string,
  hour: number,
  limit: number,
  minCount = 0,
): Promise<RankedDevice[]> {
  return rankingOf(redis, redisKeys.hour(prefix, hour), limit, minCount);
}
