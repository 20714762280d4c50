// Kafka client set-up shared by every command: one client per process, kafkajs logs routed to pino.
import { type Admin, Kafka, type LogEntry, logLevel } from 'kafkajs';
import type { Config } from './config.ts';
import { ErrorCode, FlowwatchError } from './errors.ts';
import type { Logger } from './logger.ts';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * `patient` clients (producers, consumers) ride out a broker restart, retrying for about a minute;
 * `quick` ones (start-up checks, admin reads) give up after a few seconds with one plain sentence.
 */
export type Patience = 'patient' | 'quick';

const RETRIES: Record<Patience, { initialRetryTime: number; maxRetryTime: number; retries: number }> = {
  patient: { initialRetryTime: 300, maxRetryTime: 5000, retries: 15 },
  quick: { initialRetryTime: 200, maxRetryTime: 1000, retries: 2 },
};

export function createKafka(config: Config, log: Logger, clientId: string, patience: Patience = 'patient'): Kafka {
  const kafkaLog = log.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers: [...config.kafkaBrokers],
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    retry: RETRIES[patience],
    // kafkajs is chatty at INFO (joins, connects); its warnings and errors are what matter here.
    logLevel: kafkaLog.isLevelEnabled('debug') ? logLevel.DEBUG : logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, timestamp: _timestamp, logger: _logger, ...rest } = entry;
        kafkaLog[LEVELS[level] ?? 'info'](rest, message);
      },
  });
}

/** Connects an admin client, turning "no broker answers" into one plain sentence. */
export async function connectAdmin(kafka: Kafka, config: Config): Promise<Admin> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    return admin;
  } catch (error) {
    throw kafkaUnreachable(config, error);
  }
}

export function kafkaUnreachable(config: Config, cause: unknown): FlowwatchError {
  return new FlowwatchError(
    ErrorCode.KAFKA_UNREACHABLE,
    `no Kafka broker answers at ${config.kafkaBrokers.join(',')} (start one with: npm run infra:up)`,
    { retriable: true, cause },
  );
}
