// The configuration every command shares: read from the environment once (flags on top), validated
// against the settings table, resolved where settings count together, frozen.
import { z } from 'zod';
// The configuration sits below the runtime's face (whose process spawning reads it): the inner file, no import circle.
import { ErrorCode, FlowwatchError } from '../runtime/errors.ts';
import { checkEventsFile, checkSettingsTogether } from './config-rules.ts';
import { connectionSecurity } from './connection-security.ts';
import { keyPrefixFor, topologyOf } from './redis-topology.ts';
import type { ResolvedConfig } from './setting-row.ts';
import { SETTINGS } from './settings.ts';

type Row = (typeof SETTINGS)[number];

/** Every setting's value as its schema reads it, by environment variable. */
type SettingValues = { [R in Row as R['env']]: z.output<R['schema']> };

type Frozen<T> = T extends readonly (infer Item)[] ? readonly Item[] : T;

/** The settings that are the configuration's properties as they are read (a row's `field`). */
type FieldValues = {
  readonly [R in Row as R extends { field: infer F extends string } ? F : never]: Frozen<z.output<R['schema']>>;
};

export type Config = FieldValues & ResolvedConfig;

/** Settings as given, by environment variable: the environment, or flags. */
export type ConfigSource = Record<string, string | undefined>;

const schema = z.object(Object.fromEntries(SETTINGS.map((row) => [row.env, row.schema])));

/** Reads the environment (an empty value counts as unset) with flags layered on top. */
export function loadConfig(env: ConfigSource, overrides: ConfigSource = {}): Config {
  const given: ConfigSource = {};
  for (const { env: key } of SETTINGS) {
    const value = overrides[key] ?? env[key];
    if (value !== undefined && value !== '') given[key] = value;
  }
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // The setting's name alone: a list's index (KAFKA_BROKERS.1) means nothing to the user.
    const field = String(issue?.path[0] ?? 'configuration');
    throw new FlowwatchError(ErrorCode.CONFIG_INVALID, `${field} is invalid: ${issue?.message ?? 'unknown problem'}`);
  }
  const values = parsed.data as SettingValues;
  checkSettingsTogether(given);
  checkEventsFile(values.FLOWWATCH_EVENTS_FILE);
  const security = connectionSecurity(values);
  const redisTopology = topologyOf(values);
  const fields = SETTINGS.flatMap((row) => {
    if (!('field' in row)) return [];
    const value: unknown = values[row.env];
    return [[row.field, Array.isArray(value) ? Object.freeze([...value]) : value]];
  });
  return Object.freeze({
    ...Object.fromEntries(fields),
    redisTopology,
    kafkaTls: security.kafkaTls,
    kafkaSasl: security.kafkaSasl,
    redisTlsCa: security.redisTlsCa,
    keyPrefix: keyPrefixFor(redisTopology, values.FLOWWATCH_KEY_PREFIX),
  }) as Config;
}
