// Kafka client set-up shared by every command: one client per process, kafkajs logs routed to pino.
import type { ConnectionOptions } from 'node:tls';
import { type Admin, Kafka, type LogEntry, logLevel, type ProducerConfig, type SASLOptions } from 'kafkajs';
import type { Config } from '../config/index.ts';
import type { Logger } from '../runtime/index.ts';
import { ErrorCode, FlowwatchError, kafkaRefusal } from '../runtime/index.ts';
import { kafkaLogLevel } from './kafka-log-level.ts';

/**
 * `patient` clients (producers, consumers) ride out a broker restart, retrying for about a minute;
 * `quick` ones (start-up checks, admin reads) give up after a few seconds with one plain sentence.
 */
export type Patience = 'patient' | 'quick';

const RETRIES: Record<Patience, { initialRetryTime: number; maxRetryTime: number; retries: number }> = {
  patient: { initialRetryTime: 300, maxRetryTime: 5000, retries: 15 },
  quick: { initialRetryTime: 200, maxRetryTime: 1000, retries: 2 },
};

/**
 * Every flowwatch producer (flows, dead letters): idempotent, one request in flight per broker so
 * each partition stays in order, retried for as long as it takes (a retried send is written once);
 * sends ask for acks from all in-sync replicas. Topics are created by flowwatch, never implicitly.
 */
export const IDEMPOTENT_PRODUCER: Readonly<ProducerConfig> = Object.freeze({
  idempotent: true,
  maxInFlightRequests: 1,
  allowAutoTopicCreation: false,
  retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5000 },
});

export function createKafka(config: Config, log: Logger, clientId: string, patience: Patience = 'patient'): Kafka {
  const kafkaLog = log.child({ component: 'kafkajs' });
  const debug = kafkaLog.isLevelEnabled('debug');
  return new Kafka({
    clientId,
    brokers: [...config.kafkaBrokers],
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    retry: RETRIES[patience],
    ssl: tlsOptions(config),
    sasl: saslOptions(config),
    // kafkajs is chatty at INFO (joins, connects); its warnings and errors are what matter here.
    logLevel: debug ? logLevel.DEBUG : logLevel.WARN,
    logCreator: () => (entry: LogEntry) => {
      // kafkajs attaches a stack to every connection it loses (each start with a broker down): debug only.
      const { message, timestamp: _timestamp, logger: _logger, stack, ...rest } = entry.log;
      kafkaLog[kafkaLogLevel(entry)](debug && stack !== undefined ? { ...rest, stack } : rest, message);
    },
  });
}

/** The certificates as read once by loadConfig; without a CA file, Node's trusted CAs apply. */
function tlsOptions(config: Config): ConnectionOptions | undefined {
  const tls = config.kafkaTls;
  if (tls === undefined) return undefined;
  return { ca: tls.ca?.pem, cert: tls.cert?.pem, key: tls.key?.pem };
}

function saslOptions(config: Config): SASLOptions | undefined {
  const sasl = config.kafkaSasl;
  if (sasl === undefined) return undefined;
  // A fresh object: kafkajs stores its authenticator on it, and the configuration is frozen.
  return { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions;
}

/**
 * Connects an admin client, turning "no broker answers", a refused login and an untrusted
 * certificate into one plain sentence each. kafkajs gives up on a refused login at once; an
 * untrusted certificate it retries like a broker that is away, for as long as the client's patience.
 */
export async function connectAdmin(kafka: Kafka, config: Config): Promise<Admin> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return admin;
  } catch (error) {
    throw kafkaRefusal(config, error) ?? kafkaUnreachable(config, error);
  }
}

export function kafkaUnreachable(config: Config, cause: unknown): FlowwatchError {
  return new FlowwatchError(
    ErrorCode.KAFKA_UNREACHABLE,
    `no Kafka broker answers at ${config.kafkaBrokers.join(',')} (start one with: npm run infra:up)`,
    { cause },
  );
}
