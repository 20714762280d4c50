// Redis client set-up shared by every command: one server, a primary behind sentinels, or a cluster.
import { Cluster, type ClusterOptions, type RedisOptions as IoRedisOptions, Redis, ReplyError } from 'ioredis';
import type { Config } from '../config/index.ts';
import { redactUrl } from '../config/index.ts';
import { ErrorCode, FlowwatchError, redisRefusal, within } from '../runtime/index.ts';

export interface RedisOptions {
  /** Commands fail after this many reconnect attempts instead of waiting forever. */
  readonly maxRetriesPerRequest?: number | null;
}

/** A client of the state's Redis, whatever its topology: the commands are the same. */
export type RedisClient = Redis | Cluster;

/** Reconnect for ever, backing off to 2 s: a Redis restart or failover must not end a consumer. */
const reconnectDelay = (attempt: number) => Math.min(100 * attempt, 2000);

export function createRedis(config: Config, options: RedisOptions = {}): RedisClient {
  const topology = config.redisTopology;
  const url = new URL(config.redisUrl);
  const tls =
    url.protocol === 'rediss:'
      ? { ...(config.redisTlsCa === undefined ? {} : { ca: config.redisTlsCa.pem }) }
      : undefined;
  const server: IoRedisOptions = {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: options.maxRetriesPerRequest === undefined ? 1 : options.maxRetriesPerRequest,
    retryStrategy: reconnectDelay,
    ...(url.username === '' ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === '' ? {} : { password: decodeURIComponent(url.password) }),
    ...(tls === undefined ? {} : { tls }),
  };
  let redis: RedisClient;
  if (topology.kind === 'single') {
    // rediss:// turns TLS on by itself; a private CA, read once by loadConfig, is added here.
    redis = new Redis(config.redisUrl, {
      ...server,
      ...(config.redisTlsCa === undefined ? {} : { tls: { ca: config.redisTlsCa.pem } }),
    });
  } else if (topology.kind === 'sentinel') {
    redis = new Redis({
      ...server,
      sentinels: topology.sentinels.map(({ host, port }) => ({ host, port })),
      name: topology.name,
      ...(topology.sentinelPassword === undefined ? {} : { sentinelPassword: topology.sentinelPassword }),
      ...(tls === undefined ? {} : { enableTLSForSentinelMode: true, sentinelTLS: tls }),
      sentinelRetryStrategy: reconnectDelay,
      // Told by the sentinels when the primary changes, not only when its connection drops.
      failoverDetector: true,
    });
  } else {
    const cluster: ClusterOptions = {
      lazyConnect: true,
      clusterRetryStrategy: reconnectDelay,
      // Writes and reads both go to the primary of the state's slot: a replica may be behind.
      scaleReads: 'master',
      redisOptions: server,
    };
    redis = new Cluster(
      topology.nodes.map(({ host, port }) => ({ host, port })),
      cluster,
    );
  }
  // Connection errors surface where they matter, as failed commands that the caller reports or
  // retries; without a listener ioredis would also print each reconnect attempt.
  redis.on('error', () => {});
  return redis;
}

/** Where the state's Redis is, for messages: the URL with its secrets masked, or the sentinels or seed nodes. */
export function describeRedis(config: Config): string {
  const topology = config.redisTopology;
  const nodes = (list: readonly { host: string; port: number }[]) => list.map((n) => `${n.host}:${n.port}`).join(',');
  if (topology.kind === 'sentinel') return `primary ${topology.name} of sentinels ${nodes(topology.sentinels)}`;
  if (topology.kind === 'cluster') return `Redis Cluster at ${nodes(topology.nodes)}`;
  return redactUrl(config.redisUrl);
}

/**
 * How long the first connection may take: a client asking sentinels that do not answer retries them
 * for ever, and a primary being replaced takes seconds.
 */
const FIRST_CONNECTION_MS = 10_000;

/**
 * Connects and pings once, within FIRST_CONNECTION_MS, turning "nothing answers", a refused login
 * and an untrusted certificate into one plain sentence each.
 */
export async function connectRedis<T extends RedisClient>(redis: T, config: Config): Promise<T> {
  // ioredis rejects with "Connection is closed" and tells why only in an 'error' event.
  let reason: unknown;
  const remember = (error: unknown) => {
    reason = error;
  };
  redis.on('error', remember);
  // A cluster reports what its nodes refused (a login, a certificate) as 'node error'.
  redis.on('node error', remember);
  try {
    const attempt = (async () => {
      if (redis.status === 'wait') await redis.connect();
      await redis.ping();
    })();
    // Settled later, after the bound, its failure is the one already reported.
    await within(attempt, FIRST_CONNECTION_MS, () => new Error(`nothing answered within ${FIRST_CONNECTION_MS} ms`));
    return redis;
  } catch (error) {
    redis.disconnect();
    throw redisRefusal(config, describeRedis(config), reason ?? error) ?? redisUnreachable(config, error);
  } finally {
    redis.off('error', remember);
    redis.off('node error', remember);
  }
}

export function redisUnreachable(config: Config, cause: unknown): FlowwatchError {
  return new FlowwatchError(ErrorCode.REDIS_UNREACHABLE, `no Redis answers at ${describeRedis(config)}`, {
    cause,
  });
}

/** Redis error replies that a restarting or failing-over server gives for a while (the reply's first word is its code). */
const TRANSIENT_REPLIES =
  /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN|READONLY|MOVED|ASK|UNBLOCKED|NOREPLICAS)\b|^ERR WAIT cannot be used with replica/;

/**
 * A failed Redis command as the error the retry loops decide on: a lost connection or a transient
 * reply is REDIS_UNREACHABLE (retriable); any other reply is Redis refusing the command (not).
 */
export function redisFailure(error: unknown): FlowwatchError {
  if (error instanceof FlowwatchError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ReplyError && /Error compiling script.*near '#'/.test(message)) {
    // Redis 6 and older read a script's shebang line (#!lua, which declares its flags) as Lua.
    return new FlowwatchError(
      ErrorCode.REDIS_REFUSED,
      "this Redis is older than 7.0, and flowwatch's scripts need 7.0 or newer (they declare their flags in a first line that older versions cannot read)",
      { cause: error },
    );
  }
  if (error instanceof ReplyError && /^MISCONF\b/.test(message)) {
    return new FlowwatchError(
      ErrorCode.STATE_REFUSED,
      'Redis cannot persist its data and refuses writes (MISCONF); nothing was changed (fix its disk or persistence, and flowwatch goes on)',
      { cause: error },
    );
  }
  if (error instanceof ReplyError && /^OOM\b/.test(message)) {
    return new FlowwatchError(
      ErrorCode.STATE_REFUSED,
      'Redis is over its maxmemory and refuses writes; nothing was changed (raise maxmemory or free memory, and flowwatch goes on)',
      { cause: error },
    );
  }
  if (error instanceof ReplyError && !TRANSIENT_REPLIES.test(message)) {
    return new FlowwatchError(ErrorCode.REDIS_REFUSED, `Redis refused a command: ${message}`, { cause: error });
  }
  return new FlowwatchError(ErrorCode.REDIS_UNREACHABLE, `Redis did not answer: ${message}`, { cause: error });
}
