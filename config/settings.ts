// Every setting, once: its environment variable, its flag, its schema (default included), its help
// and what a child process is given. The schema, the command line's options, `--help`, the flags'
// environment and a child's environment are all derived from this table; a new setting is one row.
import { z } from 'zod';
// The state folder's face reads the configuration: the inner file, no import circle.
import { CLUSTER_KEY_PREFIX } from '../state/cluster-key-prefix.ts';
import { SASL_MECHANISMS } from './connection-security.ts';
import { DEFAULT_KEY_PREFIX, nodesText } from './redis-topology.ts';
import { hostList, kafkaName, nodeList, redisUrl, wholeNumber } from './setting-forms.ts';
import type { ResolvedConfig, Setting } from './setting-row.ts';

/** The consumer group when none is named (FLOWWATCH_GROUP). */
export const DEFAULT_GROUP = 'webserver-counter';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const sentinelOf = (config: ResolvedConfig) =>
  config.redisTopology.kind === 'sentinel' ? config.redisTopology : undefined;

export const SETTINGS = [
  {
    env: 'KAFKA_BROKERS',
    flag: '--brokers <list>',
    schema: nodeList('broker').default(['localhost:9092']),
    help: 'Kafka brokers, comma-separated',
    field: 'kafkaBrokers',
    toChild: true,
  },
  {
    env: 'KAFKA_TLS',
    flag: '--kafka-tls',
    schema: z.stringbool({ error: 'must be true or false' }).optional(),
    help: 'connect to the brokers over TLS',
    note: 'implied by the TLS files below',
    toChild: (config) => (config.kafkaTls === undefined ? undefined : 'true'),
  },
  {
    env: 'KAFKA_TLS_CA_FILE',
    flag: '--kafka-tls-ca-file <file>',
    schema: z.string().optional(),
    help: "PEM of the CA that signed the brokers' certificates",
    toChild: (config) => config.kafkaTls?.ca?.path,
  },
  {
    env: 'KAFKA_TLS_CERT_FILE',
    flag: '--kafka-tls-cert-file <file>',
    schema: z.string().optional(),
    help: 'PEM client certificate, for brokers that ask for one',
    toChild: (config) => config.kafkaTls?.cert?.path,
  },
  {
    env: 'KAFKA_TLS_KEY_FILE',
    flag: '--kafka-tls-key-file <file>',
    schema: z.string().optional(),
    help: 'PEM private key of that certificate, unencrypted',
    toChild: (config) => config.kafkaTls?.key?.path,
  },
  {
    env: 'KAFKA_SASL_MECHANISM',
    flag: '--kafka-sasl-mechanism <name>',
    schema: z
      .string()
      .toLowerCase()
      .pipe(z.enum(SASL_MECHANISMS, { error: 'must be plain, scram-sha-256 or scram-sha-512' }))
      .optional(),
    help: SASL_MECHANISMS.join('|'),
    toChild: (config) => config.kafkaSasl?.mechanism,
  },
  {
    env: 'KAFKA_SASL_USERNAME',
    flag: '--kafka-sasl-username <name>',
    schema: z.string().optional(),
    help: 'SASL user name',
    toChild: (config) => config.kafkaSasl?.username,
  },
  {
    env: 'KAFKA_SASL_PASSWORD',
    schema: z.string().optional(),
    help: 'the SASL password itself, instead of --kafka-sasl-password-file',
    secret: true,
    // The password travels in the environment, which only the process's owner can read, never in argv.
    toChild: (config) => config.kafkaSasl?.password,
  },
  {
    env: 'KAFKA_SASL_PASSWORD_FILE',
    flag: '--kafka-sasl-password-file <file>',
    schema: z.string().optional(),
    help: 'file holding the SASL password',
    note: 'or the password itself in env KAFKA_SASL_PASSWORD; no flag takes the password, as ps shows flags to every user',
    toChild: false,
  },
  {
    env: 'REDIS_URL',
    flag: '--redis-url <url>',
    schema: redisUrl().default('redis://localhost:6379'),
    help: 'Redis URL; rediss://user:password@host:port for TLS and a login',
    note: 'best given in the environment, which ps does not show',
    field: 'redisUrl',
    toChild: true,
  },
  {
    env: 'REDIS_TLS_CA_FILE',
    flag: '--redis-tls-ca-file <file>',
    schema: z.string().optional(),
    help: 'PEM of the CA that signed the Redis certificate, for rediss://',
    toChild: (config) => config.redisTlsCa?.path,
  },
  {
    env: 'REDIS_SENTINELS',
    flag: '--redis-sentinels <list>',
    schema: nodeList('sentinel').optional(),
    help: 'sentinels to find the primary through, host:port comma-separated; REDIS_URL then gives only the login and TLS',
    note: "the sentinels' own password in env REDIS_SENTINEL_PASSWORD",
    toChild: (config) => nodesText(sentinelOf(config)?.sentinels),
  },
  {
    env: 'REDIS_SENTINEL_PASSWORD',
    schema: z.string().optional(),
    help: "the sentinels' own password, with REDIS_SENTINELS only",
    secret: true,
    needs: ['REDIS_SENTINELS', "it is the sentinels' own password"],
    toChild: (config) => sentinelOf(config)?.sentinelPassword,
  },
  {
    env: 'REDIS_SENTINEL_NAME',
    flag: '--redis-sentinel-name <name>',
    schema: z.string().regex(/^\S+$/, 'must be a name without spaces').default('flowwatch'),
    help: 'the name the sentinels monitor the primary under, with --redis-sentinels only',
    needs: ['REDIS_SENTINELS', 'it names the primary the sentinels monitor'],
    toChild: (config) => sentinelOf(config)?.name,
  },
  {
    env: 'REDIS_CLUSTER_NODES',
    flag: '--redis-cluster-nodes <list>',
    schema: nodeList('cluster node').optional(),
    help: `seed nodes of a Redis Cluster, host:port comma-separated; the key prefix then needs a hash tag, default ${CLUSTER_KEY_PREFIX}`,
    toChild: (config) => (config.redisTopology.kind === 'cluster' ? nodesText(config.redisTopology.nodes) : undefined),
  },
  {
    env: 'FLOWWATCH_REDIS_WAIT_REPLICAS',
    flag: '--redis-wait-replicas <n>',
    schema: wholeNumber(0, 16).default(0),
    help: 'consume: replicas that must hold a batch (Redis WAIT) before its offset is committed to Kafka; 0: do not wait',
    field: 'redisWaitReplicas',
    toChild: true,
  },
  {
    env: 'FLOWWATCH_REDIS_WAIT_TIMEOUT_MS',
    flag: '--redis-wait-timeout-ms <ms>',
    schema: wholeNumber(1, 600_000).default(1000),
    help: 'consume: how long each WAIT for those replicas lasts before it is tried again, with --redis-wait-replicas only',
    needs: ['FLOWWATCH_REDIS_WAIT_REPLICAS', 'it is how long each wait for those replicas lasts'],
    field: 'redisWaitTimeoutMs',
    toChild: true,
  },
  {
    env: 'FLOWWATCH_TOPIC',
    flag: '--topic <name>',
    schema: kafkaName('the topic').default('flows'),
    help: 'flow topic',
    field: 'topic',
    toChild: true,
  },
  {
    env: 'FLOWWATCH_GROUP',
    flag: '--group <name>',
    schema: kafkaName('the group').default(DEFAULT_GROUP),
    help: 'consumer group',
    field: 'group',
    toChild: true,
  },
  {
    env: 'FLOWWATCH_KEY_PREFIX',
    flag: '--prefix <prefix>',
    schema: z
      .string()
      .regex(/^[^\s:][^\s]*$/, 'must be non-empty, without spaces, and not start with ":"')
      .optional(),
    help: 'Redis key prefix',
    shownDefault: `${DEFAULT_KEY_PREFIX}; ${CLUSTER_KEY_PREFIX} on a Redis Cluster`,
    toChild: (config) => config.keyPrefix,
  },
  {
    env: 'LOG_LEVEL',
    flag: '--log-level <level>',
    schema: z.enum(LOG_LEVELS).default('info'),
    help: LOG_LEVELS.join('|'),
    field: 'logLevel',
    toChild: true,
  },
  {
    env: 'FLOWWATCH_REPLICATION_FACTOR',
    flag: '--replication-factor <n>',
    schema: wholeNumber(1, 32_767).optional(),
    help: 'replicas of each partition of the topics flowwatch creates',
    shownDefault: "the brokers' default.replication.factor",
    field: 'replicationFactor',
    toChild: true,
  },
  {
    env: 'FLOWWATCH_EVENTS_FILE',
    schema: z.string().optional(),
    help: 'a file (or /dev/fd/N, a descriptor inherited) where produce and consume append their instrumentation events, one JSON line each',
    // This process's own: a child writes its events where its parent reads them (flowwatch-process.ts).
    field: 'eventsFile',
    toChild: false,
  },
  {
    env: 'FLOWWATCH_RUN_DIR',
    schema: z.string().optional(),
    help: 'the folder where the local servers keep their data and the walkthrough its logs, as the infra scripts read it',
    shownDefault: '.flowwatch/ in the checkout',
    field: 'runDir',
    toChild: true,
  },
  {
    env: 'FLOWWATCH_ALLOWED_HOSTS',
    flag: '--allowed-hosts <list>',
    schema: hostList(),
    help: "Host names the dashboard and metrics servers answer besides localhost, 127.0.0.1, [::1] and their listen address (on any port), e.g. a proxy's: name or name:port, comma-separated; any other Host gets 421",
    field: 'allowedHosts',
    toChild: true,
  },
] as const satisfies readonly Setting[];

/** The table as rows of one shape, for the derivations that read every column. */
export const SETTING_ROWS: readonly Setting[] = SETTINGS;
