// Redis client set-up shared by every command.
import { Redis } from 'ioredis';
import type { Config } from './config.ts';
import { ErrorCode, FlowwatchError } from './errors.ts';

export interface RedisOptions {
  /** Commands fail after this many reconnect attempts instead of waiting forever. */
  readonly maxRetriesPerRequest?: number | null;
}

export function createRedis(config: Config, options: RedisOptions = {}): Redis {
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 1 : options.maxRetriesPerRequest,
    // Reconnect for ever, backing off to 2 s: a Redis restart must not end a consumer.
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
  });
  // Connection errors surface where they matter, as failed commands that the caller reports or
  // retries; without a listener ioredis would also print each reconnect attempt.
  redis.on('error', () => {});
  return redis;
}

/** Connects and pings once, turning "nothing answers" into one plain sentence. */
export async function connectRedis(redis: Redis, config: Config): Promise<Redis> {
  try {
    if (redis.status === 'wait') await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw redisUnreachable(config, error);
  }
}

export function redisUnreachable(config: Config, cause: unknown): FlowwatchError {
  return new FlowwatchError(ErrorCode.REDIS_UNREACHABLE, `no Redis answers at ${redactUrl(config.redisUrl)}`, {
    retriable: true,
    cause,
  });
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
