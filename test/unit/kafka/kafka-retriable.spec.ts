import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaRetriable } from '../../../kafka/index.ts';

const { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded } = kafkajs;

describe('kafkaRetriable', () => {
  it('is true for an error kafkajs marks retriable, false for one it does not', () => {
    expect(kafkaRetriable(new KafkaJSConnectionError('Connection error: connect ECONNREFUSED'))).toBe(true);
    expect(kafkaRetriable(new KafkaJSNonRetriableError('Invalid topics array'))).toBe(false);
    expect(kafkaRetriable(new Error('plain'))).toBe(false);
    expect(kafkaRetriable(undefined)).toBe(false);
  });

  it('reads the cause when kafkajs ran out of retries on a retriable error, wrapped once or twice', () => {
    const refused = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED');
    const exhausted = new KafkaJSNumberOfRetriesExceeded(refused, { retryCount: 2, retryTime: 1000 });
    expect(exhausted.retriable).toBe(false);
    expect(kafkaRetriable(exhausted)).toBe(true);
    // An outer kafkajs retrier wraps it again, its cause the original error.
    const rewrapped = Object.assign(new KafkaJSNonRetriableError(exhausted), { cause: refused });
    expect(kafkaRetriable(rewrapped)).toBe(true);
  });

  it('is false when kafkajs ran out of retries on an error that was not retriable', () => {
    const denied = new KafkaJSNonRetriableError('denied');
    expect(kafkaRetriable(new KafkaJSNumberOfRetriesExceeded(denied, { retryCount: 2, retryTime: 1000 }))).toBe(false);
  });
});
