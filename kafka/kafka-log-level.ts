// The level a kafkajs log entry is shown at. kafkajs logs conditions it retries by itself (a young
// broker's coordinator still loading, a leadership election, a broker restarting) at ERROR; here
// they are warnings, so that whatever flowwatch shows as an error really is one.
import { type LogEntry, logLevel } from 'kafkajs';

export type LogLevelName = 'error' | 'warn' | 'info' | 'debug';

const LEVELS: Record<number, LogLevelName> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Kafka's own retriable conditions, as kafkajs words them, and kafkajs' own retry notices. */
const RETRIED = new RegExp(
  [
    'coordinator is loading',
    'group coordinator is not available',
    'not the correct coordinator',
    'coordinator is not aware of this member',
    'group is rebalancing',
    'no leader for this topic-partition',
    'not the leader for that topic-partition',
    'does not host this topic-partition',
    'replica is not available',
    'fewer in-sync replicas than required',
    'leader epoch in the request',
    'leader high watermark has not caught up',
    'request timed out',
    'server disconnected before a response',
    'Connection error',
    'Connection timeout',
    'Closed connection',
    'Failed to connect to broker, reconnecting',
    'Restarting the consumer',
    'KafkaJSNumberOfRetriesExceeded',
  ].join('|'),
  'i',
);

export function kafkaLogLevel(entry: LogEntry): LogLevelName {
  const level = LEVELS[entry.level] ?? 'info';
  if (level !== 'error') return level;
  const { message, error } = entry.log as { message?: string; error?: unknown };
  return RETRIED.test(`${message ?? ''} ${typeof error === 'string' ? error : ''}`) ? 'warn' : 'error';
}
