// Redis client set-up shared by every command.
import { Redis, ReplyError } from 'ioredis';
import type { Config } from './config.ts';
import { redisRefusal } from './connection-refusal.ts';
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
    // rediss:// turns TLS on by itself; a private CA, read once by loadConfig, is added here.
    ...(config.redisTlsCa === undefined ? {} : { tls: { ca: config.redisTlsCa.pem } }),
  });
  // Connection errors surface where they matter, as failed commands that the caller reports or
  // retries; without a listener ioredis would also print each reconnect attempt.
  redis.on('error', () => {});
  return redis;
}

/**
 * Connects and pings once, turning "nothing answers", a refused login and an untrusted certificate
 * into one plain sentence each.
 */
export async function connectRedis(redis: Redis, config: Config): Promise<Redis> {
  // ioredis rejects with "Connection is closed" and tells why only in an 'error' event.
  let reason: unknown;
  const remember = (error: unknown) => {
    reason = error;
  };
  redis.on('error', remember);
  try {
    if (redis.status === 'wait') await redis.connect();
    await redis.ping();
    return redis;
  } catch (error) {
    redis.disconnect();
    throw redisRefusal(config, redactUrl(config.redisUrl), reason ?? error) ?? redisUnreachable(config, error);
  } finally {
    redis.off('error', remember);
  }
}

export function redisUnreachable(config: Config, cause: unknown): FlowwatchError {
  return new FlowwatchError(ErrorCode.REDIS_UNREACHABLE, `no Redis answers at ${redactUrl(config.redisUrl)}`, {
    cause,
  });
}

/** Redis error replies that a restarting or failing-over server gives for a while (the reply's first word is its code). */
const TRANSIENT_REPLIES = /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN)\b/;

/**
 * A failed Redis command as the error the retry loops decide on: a lost connection or a transient
 * reply is REDIS_UNREACHABLE (retriable); any other reply is Redis refusing the command (not).
 */
export function redisFailure(error: unknown): FlowwatchError {
  if (error instanceof FlowwatchError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ReplyError && !TRANSIENT_REPLIES.test(message)) {
    return new FlowwatchError(ErrorCode.REDIS_REFUSED, `Redis refused a command: ${message}`, { cause: error });
  }
  return new FlowwatchError(ErrorCode.REDIS_UNREACHABLE, `Redis did not answer: ${message}`, { cause: error });
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  // Unparsable (loadConfig refuses those): hide everything up to the last '@', where a login would end.
  if (!URL.canParse(url)) return url.replace(/\/\/.*@/, '//***@');
  const parsed = new URL(url);
  if (parsed.password !== '') parsed.password = '***';
  return parsed.toString();
}
