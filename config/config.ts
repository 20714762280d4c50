// The configuration every command shares: read from the environment once, validated, frozen.
import { z } from 'zod';
import { isHostEntry } from '../metrics/allowed-hosts.ts';
import { ErrorCode, FlowwatchError } from '../runtime/errors.ts';
import { checkEventsFile, checkSettingsTogether, isConnectablePort, portOf } from './config-rules.ts';
import {
  connectionSecurity,
  type KafkaSasl,
  type KafkaTls,
  type PemFile,
  SASL_MECHANISMS,
} from './connection-security.ts';

/** The consumer group when none is named (FLOWWATCH_GROUP). */
export const DEFAULT_GROUP = 'webserver-counter';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const nodeList = (what: string) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((node) => node.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(
          z
            .string()
            .regex(/^[^:\s]+:\d+$/, `each ${what} must be host:port`)
            .refine((node) => isConnectablePort(portOf(node)), `each ${what} needs a port from 1 to 65535`),
        )
        .min(1, `at least one ${what} is needed`),
    );

const name = (what: string) =>
  z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, `${what} may hold only letters, digits, '.', '_' and '-'`);

const schema = z.object({
  KAFKA_BROKERS: nodeList('broker').default(['localhost:9092']),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .refine((url) => URL.canParse(url), 'is not a URL (percent-encode special characters in the password)')
    .refine((url) => !URL.canParse(url) || new URL(url).port !== '0', 'needs a port from 1 to 65535')
    .default('redis://localhost:6379'),
  // Secure connections: checked together, and their files read, in connection-security.ts.
  KAFKA_TLS: z.stringbool({ error: 'must be true or false' }).optional(),
  KAFKA_TLS_CA_FILE: z.string().optional(),
  KAFKA_TLS_CERT_FILE: z.string().optional(),
  KAFKA_TLS_KEY_FILE: z.string().optional(),
  KAFKA_SASL_MECHANISM: z
    .string()
    .toLowerCase()
    .pipe(z.enum(SASL_MECHANISMS, { error: 'must be plain, scram-sha-256 or scram-sha-512' }))
    .optional(),
  KAFKA_SASL_USERNAME: z.string().optional(),
  KAFKA_SASL_PASSWORD: z.string().optional(),
  KAFKA_SASL_PASSWORD_FILE: z.string().optional(),
  REDIS_TLS_CA_FILE: z.string().optional(),
  REDIS_SENTINELS: nodeList('sentinel').optional(),
  REDIS_SENTINEL_NAME: z.string().regex(/^\S+$/, 'must be a name without spaces').default('flowwatch'),
  REDIS_SENTINEL_PASSWORD: z.string().optional(),
  REDIS_CLUSTER_NODES: nodeList('cluster node').optional(),
  FLOWWATCH_REDIS_WAIT_REPLICAS: z.coerce
    .number()
    .int('must be a whole number')
    .min(0, 'must be 0 or more')
    .max(16, 'must be at most 16')
    .default(0),
  FLOWWATCH_REDIS_WAIT_TIMEOUT_MS: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(600_000, 'must be at most 600000')
    .default(1000),
  FLOWWATCH_TOPIC: name('the topic').default('flows'),
  FLOWWATCH_GROUP: name('the group').default(DEFAULT_GROUP),
  FLOWWATCH_KEY_PREFIX: z
    .string()
    .regex(/^[^\s:][^\s]*$/, 'must be non-empty, without spaces, and not start with ":"')
    .optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  FLOWWATCH_REPLICATION_FACTOR: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(32_767, 'must be at most 32767')
    .optional(),
  FLOWWATCH_EVENTS_FILE: z.string().optional(),
  FLOWWATCH_ALLOWED_HOSTS: z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((host) => host.trim().toLowerCase())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().refine(isHostEntry, 'each entry must be a host name or address, optionally with :port')))
    .default([]),
});

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * Where the state's Redis is: one server at REDIS_URL; a primary found through sentinels, which
 * follow its failovers; or a Redis Cluster found from seed nodes. REDIS_URL gives the login and TLS
 * in every case (its host is used only for a single server).
 */
export type RedisTopology =
  | { readonly kind: 'single' }
  | {
      readonly kind: 'sentinel';
      readonly sentinels: readonly HostPort[];
      /** The name the sentinels monitor the primary under. */
      readonly name: string;
      /** The sentinels' own password, when they have one. */
      readonly sentinelPassword: string | undefined;
    }
  | { readonly kind: 'cluster'; readonly nodes: readonly HostPort[] };

export interface Config {
  readonly kafkaBrokers: readonly string[];
  readonly redisUrl: string;
  readonly redisTopology: RedisTopology;
  /**
   * Replicas that must acknowledge a batch (Redis WAIT) before its offset is committed to Kafka; 0:
   * do not wait. With the time to wait for them per try.
   */
  readonly redisWaitReplicas: number;
  readonly redisWaitTimeoutMs: number;
  /** TLS to the brokers; undefined: plaintext. */
  readonly kafkaTls: KafkaTls | undefined;
  /** SASL login to the brokers; undefined: none. */
  readonly kafkaSasl: KafkaSasl | undefined;
  /** The CA that signed the Redis server's certificate (rediss:// only); undefined: the CAs Node trusts. */
  readonly redisTlsCa: PemFile | undefined;
  readonly topic: string;
  readonly group: string;
  readonly keyPrefix: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** Replicas of each partition of a topic flowwatch creates; undefined: the brokers' default. */
  readonly replicationFactor: number | undefined;
  /** Where to write instrumentation events as JSON lines (see event-stream.ts); undefined: nowhere. */
  readonly eventsFile: string | undefined;
  /** Host names the HTTP servers answer besides their own (a proxy's), `name` or `name:port`. */
  readonly allowedHosts: readonly string[];
}

export type ConfigSource = Record<string, string | undefined>;

/** Reads the environment (an empty value counts as unset) with flags layered on top. */
export function loadConfig(env: ConfigSource, overrides: ConfigSource = {}): Config {
  const merged: ConfigSource = {};
  for (const key of Object.keys(schema.shape)) {
    const value = overrides[key] ?? env[key];
    if (value !== undefined && value !== '') merged[key] = value;
  }
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // The setting's name alone: a list's index (KAFKA_BROKERS.1) means nothing to the user.
    const field = String(issue?.path[0] ?? 'configuration');
    throw new FlowwatchError(ErrorCode.CONFIG_INVALID, `${field} is invalid: ${issue?.message ?? 'unknown problem'}`);
  }
  const value = parsed.data;
  checkSettingsTogether(merged);
  checkEventsFile(value.FLOWWATCH_EVENTS_FILE);
  const security = connectionSecurity(value);
  const redisTopology = topologyOf(value);
  return Object.freeze({
    kafkaBrokers: Object.freeze([...value.KAFKA_BROKERS]),
    redisUrl: value.REDIS_URL,
    redisTopology,
    redisWaitReplicas: value.FLOWWATCH_REDIS_WAIT_REPLICAS,
    redisWaitTimeoutMs: value.FLOWWATCH_REDIS_WAIT_TIMEOUT_MS,
    kafkaTls: security.kafkaTls,
    kafkaSasl: security.kafkaSasl,
    redisTlsCa: security.redisTlsCa,
    topic: value.FLOWWATCH_TOPIC,
    group: value.FLOWWATCH_GROUP,
    keyPrefix: keyPrefixFor(redisTopology, value.FLOWWATCH_KEY_PREFIX),
    logLevel: value.LOG_LEVEL,
    replicationFactor: value.FLOWWATCH_REPLICATION_FACTOR,
    eventsFile: value.FLOWWATCH_EVENTS_FILE,
    allowedHosts: Object.freeze([...value.FLOWWATCH_ALLOWED_HOSTS]),
  });
}

const hostPort = (node: string): HostPort => {
  const colon = node.lastIndexOf(':');
  return { host: node.slice(0, colon), port: Number(node.slice(colon + 1)) };
};

function topologyOf(value: z.infer<typeof schema>): RedisTopology {
  if (value.REDIS_SENTINELS !== undefined && value.REDIS_CLUSTER_NODES !== undefined) {
    throw new FlowwatchError(
      ErrorCode.CONFIG_INVALID,
      'REDIS_SENTINELS and REDIS_CLUSTER_NODES are both set: a Redis is found through sentinels or is a cluster, not both',
    );
  }
  if (value.REDIS_SENTINELS !== undefined) {
    const topology: RedisTopology = {
      kind: 'sentinel',
      sentinels: value.REDIS_SENTINELS.map(hostPort),
      name: value.REDIS_SENTINEL_NAME,
      sentinelPassword: value.REDIS_SENTINEL_PASSWORD,
    };
    // Not enumerable, as the SASL password: a configuration printed or logged by mistake does not show it.
    Object.defineProperty(topology, 'sentinelPassword', { enumerable: false });
    return topology;
  }
  if (value.REDIS_CLUSTER_NODES !== undefined)
    return { kind: 'cluster', nodes: value.REDIS_CLUSTER_NODES.map(hostPort) };
  return { kind: 'single' };
}

/** The key prefix of a Redis Cluster's default, with a hash tag: every key of the state in one slot. */
export const CLUSTER_KEY_PREFIX = '{flowwatch}';

/** A hash tag as Redis Cluster reads one: the first `{...}` with something between the braces. */
function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  return open !== -1 && prefix.indexOf('}', open + 1) > open + 1;
}

/**
 * On a Redis Cluster the state's keys must share a slot, which a hash tag in the prefix gives them
 * all (the per-hour sets included): the default becomes `{flowwatch}`, and a prefix without a tag is
 * refused.
 */
function keyPrefixFor(topology: RedisTopology, asked: string | undefined): string {
  if (topology.kind !== 'cluster') return asked ?? 'flowwatch';
  if (asked === undefined) return CLUSTER_KEY_PREFIX;
  if (!hasHashTag(asked)) {
    throw new FlowwatchError(
      ErrorCode.CONFIG_INVALID,
      `FLOWWATCH_KEY_PREFIX is invalid: on a Redis Cluster it needs a hash tag so that every key of the state is in one slot, e.g. {${asked}}`,
    );
  }
  return asked;
}

/**
 * The environment that gives a child `flowwatch` process this same configuration, flags included
 * (the password travels in the environment, which only the process's owner can read, never in argv).
 * Every setting is in it: undefined means "remove it", so a value the parent's environment holds but
 * the parent overrode, or resolved to off, does not reach the child. The events file is this
 * process's own, not passed on.
 */
export function configEnvironment(config: Config): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, undefined]),
  );
  Object.assign(env, {
    KAFKA_BROKERS: config.kafkaBrokers.join(','),
    REDIS_URL: config.redisUrl,
    FLOWWATCH_TOPIC: config.topic,
    FLOWWATCH_GROUP: config.group,
    FLOWWATCH_KEY_PREFIX: config.keyPrefix,
    LOG_LEVEL: config.logLevel,
  });
  if (config.allowedHosts.length > 0) env.FLOWWATCH_ALLOWED_HOSTS = config.allowedHosts.join(',');
  if (config.replicationFactor !== undefined) env.FLOWWATCH_REPLICATION_FACTOR = String(config.replicationFactor);
  if (config.kafkaTls !== undefined) {
    env.KAFKA_TLS = 'true';
    if (config.kafkaTls.ca !== undefined) env.KAFKA_TLS_CA_FILE = config.kafkaTls.ca.path;
    if (config.kafkaTls.cert !== undefined) env.KAFKA_TLS_CERT_FILE = config.kafkaTls.cert.path;
    if (config.kafkaTls.key !== undefined) env.KAFKA_TLS_KEY_FILE = config.kafkaTls.key.path;
  }
  if (config.kafkaSasl !== undefined) {
    env.KAFKA_SASL_MECHANISM = config.kafkaSasl.mechanism;
    env.KAFKA_SASL_USERNAME = config.kafkaSasl.username;
    env.KAFKA_SASL_PASSWORD = config.kafkaSasl.password;
  }
  if (config.redisTlsCa !== undefined) env.REDIS_TLS_CA_FILE = config.redisTlsCa.path;
  const topology = config.redisTopology;
  const nodes = (list: readonly HostPort[]) => list.map(({ host, port }) => `${host}:${port}`).join(',');
  if (topology.kind === 'sentinel') {
    env.REDIS_SENTINELS = nodes(topology.sentinels);
    env.REDIS_SENTINEL_NAME = topology.name;
    if (topology.sentinelPassword !== undefined) env.REDIS_SENTINEL_PASSWORD = topology.sentinelPassword;
  }
  if (topology.kind === 'cluster') env.REDIS_CLUSTER_NODES = nodes(topology.nodes);
  // Both, always: the timeout alone is refused (config-rules.ts), and with 0 replicas it is unused.
  env.FLOWWATCH_REDIS_WAIT_REPLICAS = String(config.redisWaitReplicas);
  env.FLOWWATCH_REDIS_WAIT_TIMEOUT_MS = String(config.redisWaitTimeoutMs);
  return env;
}
