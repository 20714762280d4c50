// What a member does with the error a batch ended with: hand it back to kafkajs, which re-joins on a
// rebalance and retries or restarts on an error that may pass, or end the member with its reason.
import { kafkaRetriable } from '../kafka/index.ts';
import { isFlowwatchError } from '../runtime/index.ts';

export type BatchFailure = 'hand back' | 'end';

/**
 * The answers kafkajs marks not retriable yet cures itself by joining the group again (its runner's
 * isRebalancing, and a coordinator that forgot the member).
 */
const REJOINED = new Set([
  'REBALANCE_IN_PROGRESS',
  'NOT_COORDINATOR_FOR_GROUP',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
]);

/**
 * kafkajs takes any error without `retriable: false` as one to retry, and restarts the consumer
 * after its retries for ever: an error only ends a member here, and nothing else must be handed back
 * but what a retry may cure.
 */
export function batchFailure(error: unknown): BatchFailure {
  if (isFlowwatchError(error)) return error.retriable ? 'hand back' : 'end';
  return rejoined(error) || kafkaRetriable(error) ? 'hand back' : 'end';
}

/** Whether the error or one of its causes is an answer a re-join cures: kafkajs wraps it when its retries end. */
function rejoined(error: unknown): boolean {
  for (let current = error; typeof current === 'object' && current !== null; ) {
    const { type, cause } = current as { type?: unknown; cause?: unknown };
    if (typeof type === 'string' && REJOINED.has(type)) return true;
    current = cause;
  }
  return false;
}
