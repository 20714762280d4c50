// The configuration every command shares: read from the environment once, validated, frozen.
import { z } from 'zod';
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
    .default('redis://localhost:6379'),
  FLOWWATCH_TOPIC: name('the topic').default('flows'),
  FLOWWATCH_GROUP: name('the group').default('webserver-counter'),
  FLOWWATCH_KEY_PREFIX: z
    .string()
    .regex(/^[^\s:][^\s]*$/, 'must be non-empty, without spaces, and not start with ":"')
    .default('flowwatch'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
});

export interface Config {
  readonly kafkaBrokers: readonly string[];
  readonly redisUrl: string;
  readonly topic: string;
  readonly group: string;
  readonly keyPrefix: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
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
  return Object.freeze({
    kafkaBrokers: Object.freeze([...value.KAFKA_BROKERS]),
    redisUrl: value.REDIS_URL,
    topic: value.FLOWWATCH_TOPIC,
    group: value.FLOWWATCH_GROUP,
    keyPrefix: value.FLOWWATCH_KEY_PREFIX,
    logLevel: value.LOG_LEVEL,
  });
}

/** The dead-letter topic that keeps every rejected line or message of `topic`. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.invalid`;
}
