// Retries a state call through outages and refusals: an error whose code says retrying may help
// (Redis away, restarting or failing over; a refusal whose cause someone must remove) is retried with
// backoff; any other is thrown. Decided by the error's code alone.
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, isFlowwatchError, isRetriable, type Logger } from '../runtime/index.ts';

const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 3000;

/** What a retry returns when `control` said to give up before the call succeeded. */
export const ABANDONED = Symbol('abandoned');

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
  let backoff = FIRST_BACKOFF_MS;
  let failures = 0;
  for (;;) {
    try {
      const result = await call();
      if (failures > 0) log.info({ failures }, 'Redis is back');
      return result;
    } catch (error) {
      if (!isRetriable(error)) throw error;
      failures++;
      // One short line: the reason, never the call's arguments (a whole batch).
      if (failures === 1 || failures % 10 === 0) {
        const reason = (error as Error).message;
        if (isFlowwatchError(error, ErrorCode.STATE_REFUSED))
          log.error({ failures, reason }, 'Redis refused the change; retrying until the cause is removed');
        else log.warn({ failures, reason }, 'Redis unavailable; retrying, nothing applied');
      }
      control.failed?.(failures, error as Error);
    }
    if (!control.keepGoing()) return ABANDONED;
    await sleep(backoff);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    await control.between?.();
    if (!control.keepGoing()) return ABANDONED;
  }
}
