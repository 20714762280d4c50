// A failed Kafka request: as one plain sentence with its code, away for a while (retriable) or refused
// for good, with Kafka's own words and error type kept; and whether a broker refused it for good.
import kafkajs from 'kafkajs';
import { ErrorCode, FlowwatchError, isFlowwatchError } from '../runtime/index.ts';
import { kafkaRetriable } from './kafka-retriable.ts';

/**
 * `what`: the request, as the end of "Kafka refused to ...", e.g. "describe group g". A fault raised
 * inside kafkajs that carries no verdict of Kafka's is taken as Kafka away, not as a refusal: kafkajs
 * throws faults of its own (a TypeError on a partition with no leader yet) moments after a broker died.
 * A fault raised anywhere else (flowwatch's own code) is no such thing: retrying it would never end.
 */
export function kafkaFailure(error: unknown, what: string): FlowwatchError {
  if (isFlowwatchError(error)) return error;
  const { message, type } = (error ?? {}) as { message?: string; type?: string };
  const reason = `${message ?? String(error)}${type === undefined ? '' : ` (${type})`}`;
  return kafkaRetriable(error) || unexplained(error)
    ? new FlowwatchError(ErrorCode.KAFKA_UNREACHABLE, `Kafka did not answer when asked to ${what}: ${reason}`, {
        cause: error,
      })
    : new FlowwatchError(ErrorCode.KAFKA_REFUSED, `Kafka refused to ${what}: ${reason}`, { cause: error });
}

/** Whether the innermost cause is an error kafkajs' own code threw without a word (no KafkaJSError). */
function unexplained(error: unknown): boolean {
  let current: unknown = error;
  while (current instanceof kafkajs.KafkaJSError && current.cause !== undefined) current = current.cause;
  return current instanceof Error && !(current instanceof kafkajs.KafkaJSError) && raisedInKafkajs(current);
}

/** The first frame of the stack, where the error was thrown, lies in kafkajs' own files. */
function raisedInKafkajs(error: Error): boolean {
  const frame = /^\s+at .*$/m.exec(error.stack ?? '');
  return frame !== null && KAFKAJS_FILE.test(frame[0]);
}

const KAFKAJS_FILE = /[\\/]kafkajs[\\/]src[\\/]/;

/**
 * Answers kafkajs marks not retriable that pass by themselves: a topic just deleted is reported as
 * existing until the brokers have finished deleting it.
 */
const PASSING = new Set(['TOPIC_ALREADY_EXISTS']);

/**
 * True when a broker answered with a refusal no retry changes (an authorization, a policy), wherever
 * kafkajs put that answer: the error itself, its causes, or the answers an aggregate error gathers.
 * A timeout or a broker away is no refusal, whatever kafkajs' retriable flag says of it; nor is an
 * answer that passes by itself (PASSING).
 */
export function kafkaRefused(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if (error instanceof kafkajs.KafkaJSProtocolError && error.retriable === false && !PASSING.has(error.type))
    return true;
  const { cause, errors } = error as { cause?: unknown; errors?: unknown };
  return kafkaRefused(cause) || (Array.isArray(errors) && errors.some(kafkaRefused));
}
