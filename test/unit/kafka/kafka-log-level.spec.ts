import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaLogLevel } from '../../../kafka/kafka-log-level.ts';

const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}) => ({
  namespace: 'test',
  level,
  label: 'ERROR',
  log: { timestamp: '', logger: 'kafkajs', message, ...extra },
});

describe('kafkaLogLevel', () => {
  it('shows the conditions kafkajs retries by itself as warnings, not errors', () => {
    for (const message of [
      'Response GroupCoordinator(key: 10, version: 2)',
      'Failed to send messages: There is no leader for this topic-partition as we are in the middle of a leadership election',
      'This server does not host this topic-partition',
      'Restarting the consumer in 300ms',
      'Response Heartbeat(key: 12, version: 3)',
    ]) {
      const error = message.startsWith('Response GroupCoordinator')
        ? 'The group coordinator is not available'
        : message.startsWith('Response Heartbeat')
          ? 'The group is rebalancing, so a rejoin is needed'
          : undefined;
      expect(kafkaLogLevel(entry(logLevel.ERROR, message, { error })), message).toBe('warn');
    }
  });

  it('keeps every other error an error', () => {
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'SASL SCRAM SHA256 authentication failed'))).toBe('error');
    expect(kafkaLogLevel(entry(logLevel.ERROR, 'Error when calling eachBatch', { error: 'boom' }))).toBe('error');
  });

  it('keeps the levels below error as kafkajs gave them', () => {
    expect(kafkaLogLevel(entry(logLevel.WARN, 'The coordinator is loading'))).toBe('warn');
    expect(kafkaLogLevel(entry(logLevel.INFO, 'Consumer has joined the group'))).toBe('info');
    expect(kafkaLogLevel(entry(logLevel.DEBUG, 'Request Metadata'))).toBe('debug');
  });
});
