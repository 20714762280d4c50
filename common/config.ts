// The configuration every command shares: read from the environment once, validated, frozen.
import { z } from 'zod';
import {
  connectionSecurity,
  type KafkaSasl,
  type KafkaTls,
  type PemFile,
  SASL_MECHANISMS,
} from './connection-security.ts';
import { ErrorCode, FlowwatchError } from './errors.ts';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const brokerList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((broker) => broker.trim())
      .filter(Boolean),
  )
  .pipe(
    z
      .array(z.string().regex(/^[^:\s]+:\d{1,5}$/, 'each broker must be host:port'))
      .min(1, 'at least one broker is needed'),
  );

const name = (what: string) =>
  z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, `${what} may hold only letters, digits, '.', '_' and '-'`);

const schema = z.object({
  KAFKA_BROKERS: brokerList.default(['localhost:9092']),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .refine((url) => URL.canParse(url), 'is not a URL (percent-encode special characters in the password)')
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
  FLOWWATCH_TOPIC: name('the topic').default('flows'),
  FLOWWATCH_GROUP: name('the group').default('webserver-counter'),
  FLOWWATCH_KEY_PREFIX: z
    .string()
    .regex(/^[^\s:][^\s]*$/, 'must be non-empty, without spaces, and not start with ":"')
    .default('flowwatch'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  FLOWWATCH_REPLICATION_FACTOR: z.coerce
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(32_767, 'must be at most 32767')
    .optional(),
  FLOWWATCH_EVENTS_FILE: z.string().optional(),
});

export interface Config {
  readonly kafkaBrokers: readonly string[];
  readonly redisUrl: string;
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
    const field = issue?.path.join('.') ?? 'configuration';
    throw new FlowwatchError(ErrorCode.CONFIG_INVALID, `${field} is invalid: ${issue?.message ?? 'unknown problem'}`);
  }
  const value = parsed.data;
  const security = connectionSecurity(value);
  return Object.freeze({
    kafkaBrokers: Object.freeze([...value.KAFKA_BROKERS]),
    redisUrl: value.REDIS_URL,
    kafkaTls: security.kafkaTls,
    kafkaSasl: security.kafkaSasl,
    redisTlsCa: security.redisTlsCa,
    topic: value.FLOWWATCH_TOPIC,
    group: value.FLOWWATCH_GROUP,
    keyPrefix: value.FLOWWATCH_KEY_PREFIX,
    logLevel: value.LOG_LEVEL,
    replicationFactor: value.FLOWWATCH_REPLICATION_FACTOR,
    eventsFile: value.FLOWWATCH_EVENTS_FILE,
  });
}

/** The dead-letter topic that keeps every rejected line or message of `topic`. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.invalid`;
}

/**
 * The environment that gives a child `flowwatch` process this same configuration, flags included
 * (the password travels in the environment, which only the process's owner can read, never in argv).
 * The events file is this process's own, not passed on.
 */
export function configEnvironment(config: Config): Record<string, string> {
  const env: Record<string, string> = {
    KAFKA_BROKERS: config.kafkaBrokers.join(','),
    REDIS_URL: config.redisUrl,
    FLOWWATCH_TOPIC: config.topic,
    FLOWWATCH_GROUP: config.group,
    FLOWWATCH_KEY_PREFIX: config.keyPrefix,
    LOG_LEVEL: config.logLevel,
  };
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
  return env;
}
