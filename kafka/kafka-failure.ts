// A failed Kafka request as one plain sentence with its code: away for a while (retriable) or refused
// for good, read from kafkajs' retriable flags, with Kafka's own words and error type kept.
import { ErrorCode, FlowwatchError, isFlowwatchError } from '../runtime/index.ts';
import { kafkaRetriable } from './kafka-retriable.ts';

/** `what`: the request, as the end of "Kafka refused to ...", e.g. "describe group g". */
export function kafkaFailure(error: unknown, what: string): FlowwatchError {
  if (isFlowwatchError(error)) return error;
  const { message, type } = (error ?? {}) as { message?: string; type?: string };
  const reason = `${message ?? String(error)}${type === undefined ? '' : ` (${type})`}`;
  return kafkaRetriable(error)
    ? new FlowwatchError(ErrorCode.KAFKA_UNREACHABLE, `Kafka did not answer when asked to ${what}: ${reason}`, {
        cause: error,
      })
    : new FlowwatchError(ErrorCode.KAFKA_REFUSED, `Kafka refused to ${what}: ${reason}`, { cause: error });
}
