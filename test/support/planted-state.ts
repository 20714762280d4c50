// Plants state in Redis by hand, as the consumers would have left it, for tests of its readers
// (verify, the dashboard) and of tampering, with the key names from state's `stateKeys`.
import type { RedisClient } from '../../state/index.ts';
import { type PartitionId, stateKeys, type TotalName } from '../../state/index.ts';

export const planted = {
  /** Sets devices' all-time scores. */
  scores: async (redis: RedisClient, prefix: string, scores: Record<string, number>) => {
    for (const [device, score] of Object.entries(scores)) await redis.zadd(stateKeys.webservers(prefix), score, device);
  },
  /** Adds to a device's all-time score. */
  addToScore: (redis: RedisClient, prefix: string, device: string, by: number) =>
    redis.zincrby(stateKeys.webservers(prefix), by, device),
  /** Removes a device from the all-time scores. */
  removeDevice: (redis: RedisClient, prefix: string, device: string) =>
    redis.zrem(stateKeys.webservers(prefix), device),
  totals: (redis: RedisClient, prefix: string, totals: Partial<Record<TotalName, number>>) =>
    redis.hset(stateKeys.totals(prefix), totals),
  addToTotal: (redis: RedisClient, prefix: string, name: TotalName, by: number) =>
    redis.hincrby(stateKeys.totals(prefix), name, by),
  /** One hour's per-device counts, and the hour in the hours set. */
  hour: async (redis: RedisClient, prefix: string, hour: number, scores: Record<string, number>) => {
    let sum = 0;
    for (const [device, score] of Object.entries(scores)) {
      await redis.zincrby(stateKeys.hour(prefix, hour), score, device);
      sum += score;
    }
    await redis.zincrby(stateKeys.hours(prefix), sum, String(hour));
  },
  watermark: (redis: RedisClient, prefix: string, seconds: number) => redis.set(stateKeys.watermark(prefix), seconds),
  offset: (redis: RedisClient, prefix: string, partition: PartitionId, next: number) =>
    redis.hset(stateKeys.offsets(prefix), partition, next),
  /** A string where the state keeps another type, as a stray key in a shared Redis would be. */
  wrongType: (redis: RedisClient, prefix: string, name: 'hours' | 'totals' | 'webservers') =>
    redis.set(stateKeys[name](prefix), 'x'),
  epoch: async (redis: RedisClient, prefix: string) => Number(await redis.get(stateKeys.epoch(prefix))),
};
