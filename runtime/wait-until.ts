// Polls a condition until it holds, or tries a call again while it fails in a way that may pass,
// instead of sleeping for a fixed time: the poll loops of the commands, the benchmarks and the tests.
import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitOptions {
  /** Give up after this long (an error saying what was waited for); default: never. */
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** What is waited for, for the timeout's message. */
  readonly what?: string;
  /** Stop waiting (resolving undefined) once this aborts. */
  readonly signal?: AbortSignal;
}

/**
 * Resolves with the condition's first value that is neither undefined nor false. A condition that
 * throws counts as not yet (a server away for a moment); the last error is the timeout's cause.
 */
export async function waitUntil<T>(
  condition: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs = Number.POSITIVE_INFINITY, intervalMs = 100, what = 'a condition', signal }: WaitOptions = {},
): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (!signal?.aborted) {
    try {
      const value = await condition();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const last = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`, { cause: lastError });
    }
    await sleep(intervalMs, undefined, { signal }).catch(() => undefined);
  }
  return undefined;
}

export interface RetryOptions {
  /** Give up this long after the first try: the last error is thrown. */
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** Whether another try may cure the error; any other error is thrown at once. Default: every error. */
  readonly retriable?: (error: unknown) => boolean;
  /** Told of each error that is tried again, before the pause (to log it). */
  readonly onRetry?: (error: unknown) => void;
}

/** Resolves with the call's first result, trying it again after each retriable error until the deadline. */
export async function retrying<T>(
  call: () => Promise<T>,
  { timeoutMs, intervalMs, retriable = () => true, onRetry }: RetryOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (error) {
      if (!retriable(error) || Date.now() > deadline) throw error;
      onRetry?.(error);
    }
    await sleep(intervalMs);
  }
}
