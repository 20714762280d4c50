// Polls a condition until it holds, or tries a call again while it fails in a way that may pass,
// instead of sleeping for a fixed time: the poll loops of the commands, the benchmarks and the tests.
import { raceBounds } from './deadline.ts';

/** Resolves after `ms`, or as soon as `signal` aborts; on the global timers, which tests can fake. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  const settle = () => undefined;
  return raceBounds(new Promise<void>(() => {}), { timeoutMs: ms, late: settle, signal, stopped: settle });
}

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
    await pause(intervalMs, signal);
  }
  return undefined;
}

/** What `retrying` resolves with when `keepGoing` said to give up before the call succeeded. */
export const ABANDONED = Symbol('abandoned');

/** The pause before each try again, given how many tries have failed so far (from 1); undefined: give up. */
export type RetrySchedule = (failures: number) => number | undefined;

/** Pauses that double from `firstMs` up to `maxMs`. */
export function doubling(firstMs: number, maxMs: number): RetrySchedule {
  return (failures) => Math.min(firstMs * 2 ** (failures - 1), maxMs);
}

export interface RetryOptions {
  /** Give up this long after the first try: the last error is thrown. Default: never. */
  readonly timeoutMs?: number;
  /** The pause between tries: fixed, or a schedule (which may also give up). */
  readonly intervalMs: number | RetrySchedule;
  /** Whether another try may cure the error; any other error is thrown at once. Default: every error. */
  readonly retriable?: (error: unknown) => boolean;
  /** Told of each error that is tried again, before the pause (to log it), with how many so far. */
  readonly onRetry?: (error: unknown, failures: number) => void;
  /** Run after each pause, before the next try (to keep a group membership alive meanwhile). */
  readonly between?: () => Promise<void>;
  /** False once the work should be abandoned (a stop, a partition taken away): checked around each pause. */
  readonly keepGoing?: () => boolean;
}

/**
 * Resolves with the call's first result, trying it again after each retriable error until the
 * deadline or the schedule gives up (the last error is thrown), or until `keepGoing` says to stop
 * (ABANDONED is resolved).
 */
export function retrying<T>(
  call: () => Promise<T>,
  options: RetryOptions & { keepGoing: () => boolean },
): Promise<T | typeof ABANDONED>;
export function retrying<T>(call: () => Promise<T>, options: RetryOptions): Promise<T>;
export async function retrying<T>(call: () => Promise<T>, options: RetryOptions): Promise<T | typeof ABANDONED> {
  const { timeoutMs = Number.POSITIVE_INFINITY, intervalMs, retriable = () => true, onRetry } = options;
  const { between, keepGoing = () => true } = options;
  const deadline = Date.now() + timeoutMs;
  const schedule = typeof intervalMs === 'number' ? () => intervalMs : intervalMs;
  for (let failures = 1; ; failures++) {
    let wait: number | undefined;
    try {
      return await call();
    } catch (error) {
      wait = schedule(failures);
      if (!retriable(error) || Date.now() > deadline || wait === undefined) throw error;
      onRetry?.(error, failures);
    }
    if (!keepGoing()) return ABANDONED;
    await pause(wait);
    await between?.();
    if (!keepGoing()) return ABANDONED;
  }
}
