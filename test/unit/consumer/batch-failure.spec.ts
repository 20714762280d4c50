import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { batchFailure } from '../../../consumer/batch-failure.ts';
import { kafkaFailure } from '../../../kafka/index.ts';
import { ErrorCode, FlowwatchError } from '../../../runtime/index.ts';
import { kafkajsFault } from '../../support/kafkajs-fault.ts';

const { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } =
  kafkajs;

/** A broker's answer as kafkajs throws it (its protocol errors carry the type and retriable flag of the code). */
const answer = (type: string, retriable: boolean) =>
  new KafkaJSProtocolError({ type, code: 0, message: type, retriable } as unknown as Error);

describe('the error a batch ended with', () => {
  it('ends the member on a flowwatch error no retry cures, with it as the reason', () => {
    expect(batchFailure(new FlowwatchError(ErrorCode.STATE_OTHER_GROUP, 'another group'))).toBe('end');
  });

  it('hands Redis away back to kafkajs, which runs the batch again', () => {
    expect(batchFailure(new FlowwatchError(ErrorCode.REDIS_UNREACHABLE, 'away'))).toBe('hand back');
  });

  it('ends the member on an error nothing says may pass, which kafkajs would restart for ever', () => {
    expect(batchFailure(new Error('a fault of our own'))).toBe('end');
    expect(batchFailure(new TypeError('x is undefined'))).toBe('end');
    expect(batchFailure('a thrown string')).toBe('end');
  });

  it('hands back what Kafka may still cure: a lost broker, retries run out on one', () => {
    const lost = new KafkaJSConnectionError('Connection error: ECONNREFUSED');
    expect(batchFailure(lost)).toBe('hand back');
    expect(batchFailure(new KafkaJSNumberOfRetriesExceeded(lost, { retryCount: 5, retryTime: 300 }))).toBe('hand back');
  });

  it('hands back Kafka away as flowwatch names it, a kafkajs fault of its own during a failover included', () => {
    const fault = kafkajsFault(new TypeError("Cannot destructure property 'partitions' of 'undefined'"));
    expect(batchFailure(kafkaFailure(fault, 'read the first retained offset'))).toBe('hand back');
    const exhausted = new KafkaJSNumberOfRetriesExceeded(fault, { retryCount: 5, retryTime: 300 });
    expect(batchFailure(kafkaFailure(exhausted, 'read the first retained offset'))).toBe('hand back');
    expect(batchFailure(kafkaFailure(answer('TOPIC_AUTHORIZATION_FAILED', false), 'read offsets'))).toBe('end');
  });

  it('ends the member on a fault of flowwatch’s own code, with no kafkajs frame on its stack, as a refusal', () => {
    const own = new TypeError("Cannot read properties of undefined (reading 'low')");
    const failure = kafkaFailure(own, 'read the first retained offset');
    expect(failure).toMatchObject({ code: ErrorCode.KAFKA_REFUSED, retriable: false });
    expect(failure.message).toContain("reading 'low'");
    expect(batchFailure(failure)).toBe('end');
  });

  it('hands a rebalance back, whose errors kafkajs marks not retriable: it re-joins the group', () => {
    expect(batchFailure(answer('REBALANCE_IN_PROGRESS', false))).toBe('hand back');
    expect(batchFailure(answer('ILLEGAL_GENERATION', false))).toBe('hand back');
    expect(batchFailure(answer('UNKNOWN_MEMBER_ID', false))).toBe('hand back');
  });

  it('hands a rebalance back when kafkajs wrapped its answer (retries run out, a non-retriable wrapper)', () => {
    const rebalance = answer('REBALANCE_IN_PROGRESS', false);
    const exhausted = new KafkaJSNumberOfRetriesExceeded(rebalance, { retryCount: 5, retryTime: 300 });
    expect(batchFailure(exhausted)).toBe('hand back');
    expect(batchFailure(Object.assign(new KafkaJSNonRetriableError(exhausted), { cause: exhausted }))).toBe(
      'hand back',
    );
    const forgotten = answer('NOT_COORDINATOR_FOR_GROUP', false);
    expect(batchFailure(Object.assign(new KafkaJSNonRetriableError(forgotten), { cause: forgotten }))).toBe(
      'hand back',
    );
  });

  it('ends the member on a refusal of Kafka no retry cures (kafkajs would crash without restart)', () => {
    expect(batchFailure(answer('TOPIC_AUTHORIZATION_FAILED', false))).toBe('end');
    expect(batchFailure(new KafkaJSNonRetriableError(answer('GROUP_AUTHORIZATION_FAILED', false)))).toBe('end');
  });
});
