// The one deadline race: work against a timer or a stop signal, whichever comes first, leaving no
// timer and no listener behind once it is decided. Every bounded wait in flowwatch is one of these.
import { ErrorCode, FlowwatchError } from './errors.ts';

export interface RaceBounds<L> {
  /** Decide with `late()` once this long has passed first. */
  readonly timeoutMs?: number;
  /** What the race settles with after the timeout (return a value, or throw to reject). */
  readonly late?: () => L;
  /** Decide with `stopped()` once this aborts first (at once if it already has). */
  readonly signal?: AbortSignal;
  readonly stopped?: () => L;
}

/**
 * Settles as `work` does unless a bound comes first. A work given up on may still fail later: its
 * failure is swallowed then, as the bound already told its story.
 */
export async function raceBounds<T, L = never>(work: Promise<T>, bounds: RaceBounds<L>): Promise<T | L> {
  const { timeoutMs, late, signal, stopped } = bounds;
  work.catch(() => undefined);
  if (signal?.aborted && stopped !== undefined) return stopped();
  let timer: NodeJS.Timeout | undefined;
  let onAbort: () => void = () => {};
  const bound = new Promise<T | L>((resolve, reject) => {
    const settleWith = (outcome: () => L) => {
      try {
        resolve(outcome());
      } catch (error) {
        reject(error);
      }
    };
    if (timeoutMs !== undefined && late !== undefined) timer = setTimeout(() => settleWith(late), timeoutMs);
    if (signal !== undefined && stopped !== undefined) {
      onAbort = () => settleWith(stopped);
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  try {
    return await Promise.race([work, bound]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Settles as `work` does, or rejects after `timeoutMs` with `late` (or an error saying what it waited for). */
export function within<T>(work: Promise<T>, timeoutMs: number, late: string | (() => Error)): Promise<T> {
  const failure =
    typeof late === 'string' ? () => new Error(`timed out after ${timeoutMs} ms waiting for ${late}`) : late;
  return raceBounds(work, {
    timeoutMs,
    late: () => {
      throw failure();
    },
  });
}

/** Waits for `work` at most `timeoutMs`: true if it settled in time (a failure in time is passed on). */
export function settlesWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return raceBounds(
    work.then(() => true),
    { timeoutMs, late: () => false },
  );
}

/**
 * Settles as `work` does, or rejects with FW_INTERRUPTED (exit 130) as soon as `signal` fires, saying
 * what was left undone. For steps that may wait long on a broker and have nothing to deliver yet.
 * The work left behind is not awaited (the command is exiting).
 */
export function unlessStopped<T>(work: Promise<T>, signal: AbortSignal, undone: string): Promise<T> {
  return raceBounds(work, {
    signal,
    stopped: () => {
      throw new FlowwatchError(ErrorCode.INTERRUPTED, `stopped by ${String(signal.reason ?? 'a signal')} ${undone}`);
    },
  });
}
