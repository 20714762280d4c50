import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, FlowwatchError } from '../../../runtime/index.ts';
import { recreationRetriable, TopicNotRecreated } from '../../../walkthrough/fresh-run.ts';

const {
  KafkaJSAggregateError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
  KafkaJSTimeout,
} = kafkajs;

/** A broker's answer as kafkajs throws it. */
const answer = (type: string, retriable: boolean) =>
  new KafkaJSProtocolError({ type, code: 0, message: `answered ${type}`, retriable } as unknown as Error);

describe('recreating the topics of a fresh run', () => {
  it('tries again while the deleted topic lingers in the brokers’ metadata', () => {
    expect(recreationRetriable(new TopicNotRecreated('topic t could not be recreated'))).toBe(true);
    expect(recreationRetriable(answer('UNKNOWN_TOPIC_OR_PARTITION', true))).toBe(true);
    expect(recreationRetriable(answer('LEADER_NOT_AVAILABLE', true))).toBe(true);
    const exhausted = new KafkaJSNumberOfRetriesExceeded(answer('LEADER_NOT_AVAILABLE', true), {
      retryCount: 5,
      retryTime: 300,
    });
    expect(recreationRetriable(exhausted)).toBe(true);
    // kafkajs marks its own timeouts not retriable: a broker slow to name the new topic's leaders.
    const Timeout = KafkaJSTimeout as unknown as new (message: string) => Error;
    expect(recreationRetriable(new Timeout('Timed out while waiting for topic leaders'))).toBe(true);
  });

  it('tries again while the deleted topic is still being deleted (kafkajs marks that answer not retriable)', () => {
    const exists = answer('TOPIC_ALREADY_EXISTS', false);
    expect(recreationRetriable(exists)).toBe(true);
    expect(recreationRetriable(new KafkaJSAggregateError('Topic creation errors', [exists]))).toBe(true);
    expect(recreationRetriable(Object.assign(new KafkaJSNonRetriableError(exists), { cause: exists }))).toBe(true);
  });

  it('ends at once on a refusal no retry cures, an authorization included', () => {
    const denied = answer('TOPIC_AUTHORIZATION_FAILED', false);
    expect(recreationRetriable(denied)).toBe(false);
    expect(recreationRetriable(answer('CLUSTER_AUTHORIZATION_FAILED', false))).toBe(false);
    expect(recreationRetriable(new FlowwatchError(ErrorCode.KAFKA_TOPIC_LAYOUT, 'too few brokers'))).toBe(false);
    // As kafkajs hands them on: wrapped by its retrier, or gathered from a CreateTopics answer.
    expect(recreationRetriable(Object.assign(new KafkaJSNonRetriableError(denied), { cause: denied }))).toBe(false);
    expect(recreationRetriable(new KafkaJSAggregateError('Topic creation errors', [denied]))).toBe(false);
  });
});
