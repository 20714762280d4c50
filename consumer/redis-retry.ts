// Retries a state call through outages and refusals: an error whose code says retrying may help
// (Redis away, restarting or failing over; a refusal whose cause someone must remove) is retried with
// backoff; any other is thrown. Decided by the error's code alone.
import {
  ABANDONED,
  doubling,
  ErrorCode,
  isFlowwatchError,
  isRetriable,
  type Logger,
  retrying,
} from '../runtime/index.ts';

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 3000;

export { ABANDONED };

export interface RetryControl {
  /** False once the work should be abandoned (stopping, or the partition was taken away). */
  keepGoing(): boolean;
  /** Called between attempts, e.g. to keep the group membership alive. */
  between?(): Promise<void>;
  /** Called after each failed attempt that will be retried, with its error. */
  failed?(failures: number, error: Error): void;
}

/** Runs `call` until it succeeds, or ABANDONED if `control` says to give up first. */
export async function retryRedis<T>(
  call: () => Promise<T>,
  control: RetryControl,
  log: Logger,
): Promise<T | typeof ABANDONED> {
  let failed = 0;
  const result = await retrying(call, {
    intervalMs: doubling(FIRST_BACKOFF_MS, MAX_BACKOFF_MS),
    retriable: isRetriable,
    onRetry: (error, failures) => {
      failed = failures;
      // One short line: the reason, never the call's arguments (a whole batch).
      if (failures === 1 || failures % 10 === 0) {
        const reason = (error as Error).message;
        if (isFlowwatchError(error, ErrorCode.STATE_REFUSED))
          log.error({ failures, reason }, 'Redis refused the change; retrying until the cause is removed');
        else log.warn({ failures, reason }, 'Redis unavailable; retrying, nothing applied');
      }
      control.failed?.(failures, error as Error);
    },
    between: async () => {
      await control.between?.();
    },
    keepGoing: () => control.keepGoing(),
  });
  if (result !== ABANDONED && failed > 0) log.info({ failures: failed }, 'Redis is back');
  return result;
}
