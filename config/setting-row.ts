// The shape of a row of the settings table (settings.ts), and what a row may read of the resolved
// configuration to give a child process the settings that only count together.
import type { z } from 'zod';
import type { KafkaSasl, KafkaTls, PemFile } from './connection-security.ts';
import type { RedisTopology } from './redis-topology.ts';

/** What several settings make together, resolved once at start-up (config.ts). */
export interface ResolvedConfig {
  readonly redisTopology: RedisTopology;
  /** TLS to the brokers; undefined: plaintext. */
  readonly kafkaTls: KafkaTls | undefined;
  /** SASL login to the brokers; undefined: none. */
  readonly kafkaSasl: KafkaSasl | undefined;
  /** The CA that signed the Redis server's certificate (rediss:// only); undefined: the CAs Node trusts. */
  readonly redisTlsCa: PemFile | undefined;
  readonly keyPrefix: string;
}

interface SettingRow {
  /** The environment variable: read first, and what a child process is given. */
  readonly env: string;
  /** The global flag, as commander declares it; none: environment only. */
  readonly flag?: string;
  /** The value's form and its default; an empty variable counts as unset. */
  readonly schema: z.ZodType;
  /** What it is, for `--help`. */
  readonly help: string;
  /** Said after the variable in `--help`. */
  readonly note?: string;
  /** The default in words, for a setting whose default the schema cannot give (it depends on another). */
  readonly shownDefault?: string;
  /** Never a flag (ps shows every process's flags to every user), never a default in `--help`. */
  readonly secret?: true;
  /** The setting it means something beside only, and why: alone it is refused. */
  readonly needs?: readonly [env: string, why: string];
}

/**
 * `field`: the configuration's property that holds the value as read; `toChild`, true: a child is
 * given it. A setting that only counts with others (ResolvedConfig) has no field: a child is given
 * what `toChild` makes of the resolved configuration. Any other setting a child is not given.
 */
export type Setting = SettingRow &
  (
    | { readonly field: string; readonly toChild: boolean }
    | { readonly field?: undefined; readonly toChild: false | ((config: ResolvedConfig) => string | undefined) }
  );
