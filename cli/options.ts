// What the commands of the command line share: argument parsers, the global configuration flags,
// the pace and metrics options, and the bundled sample as the default file.
import { fileURLToPath } from 'node:url';
import { type Command, Option } from 'commander';
import { type Config, type ConfigSource, loadConfig } from '../config/index.ts';
import { DEFAULT_METRICS_HOST, type MetricsServerOptions } from '../metrics/index.ts';
import type { Pace } from '../producer/index.ts';
import { createLogger, type Logger } from '../runtime/index.ts';
import { decimal, nonEmpty, port } from './option-values.ts';

export { decimal, integer, milliseconds, nonEmpty, port, type ValueDomain } from './option-values.ts';

export const SAMPLE_FILE = fileURLToPath(new URL('../data/sample-flows.csv.gz', import.meta.url));

/** Devices a ranking shows unless `-n` says otherwise: `top`, the dashboard's chart, the walkthrough's table. */
export const DEFAULT_TOP = 10;

/** Where the dashboard listens unless told otherwise (`dashboard --port`, `walkthrough --dashboard-port`). */
export const DEFAULT_DASHBOARD_PORT = 8080;

/**
 * The slowest pace `--rate` and `--speedup` take: slower is no replay anyone waits for, and a
 * smaller number would ask for waits longer than a Node timer can hold (about 24.8 days).
 */
export const MIN_PACE = 0.001;

/** `--metrics-port` and `--metrics-host`, of the commands that serve metrics on a port of their own. */
export function withMetricsOptions(command: Command): Command {
  return command
    .option(
      '--metrics-port <port>',
      'serve Prometheus metrics at http://<metrics-host>:<port>/metrics while running (0: no metrics server)',
      port,
      0,
    )
    .option('--metrics-host <address>', 'address the metrics server listens on', nonEmpty, DEFAULT_METRICS_HOST);
}

export interface MetricsFlags {
  readonly metricsPort: number;
  readonly metricsHost: string;
}

export function metricsServer(flags: MetricsFlags, config: Config): MetricsServerOptions | undefined {
  return flags.metricsPort === 0
    ? undefined
    : { host: flags.metricsHost, port: flags.metricsPort, allowedHosts: config.allowedHosts };
}

/** `--rate` and `--speedup` (and any option that rules both out, such as the walkthrough's `--max-speed`). */
export function withPaceOptions(
  command: Command,
  help: { rate: string; speedup: string },
  alsoConflicting: string[] = [],
): Command {
  return command
    .addOption(
      new Option('--rate <n>', `${help.rate}; at least ${MIN_PACE}`)
        .argParser(decimal(MIN_PACE))
        .conflicts(['speedup', ...alsoConflicting]),
    )
    .addOption(
      new Option('--speedup <x>', `${help.speedup}; at least ${MIN_PACE}`)
        .argParser(decimal(MIN_PACE))
        .conflicts(alsoConflicting),
    );
}

export interface PaceFlags {
  readonly rate?: number;
  readonly speedup?: number;
}

/** The pace the flags ask for; `fallback` when they ask for none. */
export function paceFrom(flags: PaceFlags, fallback: Pace | undefined): Pace | undefined {
  if (flags.rate !== undefined) return { rate: flags.rate };
  if (flags.speedup !== undefined) return { speedup: flags.speedup };
  return fallback;
}

interface GlobalFlags {
  brokers?: string;
  redisUrl?: string;
  kafkaTls?: boolean;
  kafkaTlsCaFile?: string;
  kafkaTlsCertFile?: string;
  kafkaTlsKeyFile?: string;
  kafkaSaslMechanism?: string;
  kafkaSaslUsername?: string;
  kafkaSaslPasswordFile?: string;
  redisTlsCaFile?: string;
  redisSentinels?: string;
  redisSentinelName?: string;
  redisClusterNodes?: string;
  redisWaitReplicas?: string;
  redisWaitTimeoutMs?: string;
  topic?: string;
  group?: string;
  prefix?: string;
  logLevel?: string;
  replicationFactor?: string;
  allowedHosts?: string;
}

/** The global flags, every one also an environment variable (see loadConfig). */
export function withGlobalOptions(program: Command): Command {
  return program
    .option('--brokers <list>', 'Kafka brokers, comma-separated (env KAFKA_BROKERS, default localhost:9092)')
    .option('--kafka-tls', 'connect to the brokers over TLS (env KAFKA_TLS=true; implied by the TLS files below)')
    .option('--kafka-tls-ca-file <file>', "PEM of the CA that signed the brokers' certificates (env KAFKA_TLS_CA_FILE)")
    .option(
      '--kafka-tls-cert-file <file>',
      'PEM client certificate, for brokers that ask for one (env KAFKA_TLS_CERT_FILE)',
    )
    .option('--kafka-tls-key-file <file>', 'PEM private key of that certificate, unencrypted (env KAFKA_TLS_KEY_FILE)')
    .option('--kafka-sasl-mechanism <name>', 'plain|scram-sha-256|scram-sha-512 (env KAFKA_SASL_MECHANISM)')
    .option('--kafka-sasl-username <name>', 'SASL user name (env KAFKA_SASL_USERNAME)')
    .option(
      '--kafka-sasl-password-file <file>',
      'file holding the SASL password (env KAFKA_SASL_PASSWORD_FILE, or the password itself in env KAFKA_SASL_PASSWORD; no flag takes the password, as ps shows flags to every user)',
    )
    .option(
      '--redis-url <url>',
      'Redis URL; rediss://user:password@host:port for TLS and a login, best given as env REDIS_URL, which ps does not show (default redis://localhost:6379)',
    )
    .option(
      '--redis-tls-ca-file <file>',
      'PEM of the CA that signed the Redis certificate, for rediss:// (env REDIS_TLS_CA_FILE)',
    )
    .option(
      '--redis-sentinels <list>',
      "sentinels to find the primary through, host:port comma-separated; REDIS_URL then gives only the login and TLS (env REDIS_SENTINELS; the sentinels' own password in env REDIS_SENTINEL_PASSWORD)",
    )
    .option(
      '--redis-sentinel-name <name>',
      'the name the sentinels monitor the primary under, with --redis-sentinels only (env REDIS_SENTINEL_NAME, default flowwatch)',
    )
    .option(
      '--redis-cluster-nodes <list>',
      'seed nodes of a Redis Cluster, host:port comma-separated; the key prefix then needs a hash tag, default {flowwatch} (env REDIS_CLUSTER_NODES)',
    )
    .option(
      '--redis-wait-replicas <n>',
      'consume: replicas that must hold a batch (Redis WAIT) before its offset is committed to Kafka (env FLOWWATCH_REDIS_WAIT_REPLICAS, default 0: do not wait)',
    )
    .option(
      '--redis-wait-timeout-ms <ms>',
      'consume: how long each WAIT for those replicas lasts before it is tried again, with --redis-wait-replicas only (env FLOWWATCH_REDIS_WAIT_TIMEOUT_MS, default 1000)',
    )
    .option('--topic <name>', 'flow topic (env FLOWWATCH_TOPIC, default flows)')
    .option('--group <name>', 'consumer group (env FLOWWATCH_GROUP, default webserver-counter)')
    .option(
      '--prefix <prefix>',
      'Redis key prefix (env FLOWWATCH_KEY_PREFIX, default flowwatch; {flowwatch} on a Redis Cluster)',
    )
    .option('--log-level <level>', 'trace|debug|info|warn|error|silent (env LOG_LEVEL, default info)')
    .option(
      '--replication-factor <n>',
      "replicas of each partition of the topics flowwatch creates (env FLOWWATCH_REPLICATION_FACTOR, default: the brokers' default.replication.factor)",
    )
    .option(
      '--allowed-hosts <list>',
      "Host names the dashboard and metrics servers answer besides localhost, 127.0.0.1, [::1] and their listen address (on any port), e.g. a proxy's: name or name:port, comma-separated; any other Host gets 421 (env FLOWWATCH_ALLOWED_HOSTS)",
    );
}

/** The configuration: the environment with the global flags on top, read and validated once. */
export function configFrom(program: Command): Config {
  const flags = program.opts<GlobalFlags>();
  const overrides: ConfigSource = {
    KAFKA_BROKERS: flags.brokers,
    REDIS_URL: flags.redisUrl,
    KAFKA_TLS: flags.kafkaTls === true ? 'true' : undefined,
    KAFKA_TLS_CA_FILE: flags.kafkaTlsCaFile,
    KAFKA_TLS_CERT_FILE: flags.kafkaTlsCertFile,
    KAFKA_TLS_KEY_FILE: flags.kafkaTlsKeyFile,
    KAFKA_SASL_MECHANISM: flags.kafkaSaslMechanism,
    KAFKA_SASL_USERNAME: flags.kafkaSaslUsername,
    KAFKA_SASL_PASSWORD_FILE: flags.kafkaSaslPasswordFile,
    REDIS_TLS_CA_FILE: flags.redisTlsCaFile,
    REDIS_SENTINELS: flags.redisSentinels,
    REDIS_SENTINEL_NAME: flags.redisSentinelName,
    REDIS_CLUSTER_NODES: flags.redisClusterNodes,
    FLOWWATCH_REDIS_WAIT_REPLICAS: flags.redisWaitReplicas,
    FLOWWATCH_REDIS_WAIT_TIMEOUT_MS: flags.redisWaitTimeoutMs,
    FLOWWATCH_TOPIC: flags.topic,
    FLOWWATCH_GROUP: flags.group,
    FLOWWATCH_KEY_PREFIX: flags.prefix,
    LOG_LEVEL: flags.logLevel,
    FLOWWATCH_REPLICATION_FACTOR: flags.replicationFactor,
    FLOWWATCH_ALLOWED_HOSTS: flags.allowedHosts,
  };
  return loadConfig(process.env, overrides);
}

/** The configuration and the root logger a command runs with. */
export function commandSetup(program: Command): { config: Config; log: Logger } {
  const config = configFrom(program);
  return { config, log: createLogger(config.logLevel) };
}

/** The log level asked for, by flag or environment, even when the configuration did not load. */
export function requestedLogLevel(program: Command): string | undefined {
  return program.opts<GlobalFlags>().logLevel ?? process.env.LOG_LEVEL;
}
