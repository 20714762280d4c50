// Signal handling for every long-running command: the first SIGINT/SIGTERM asks for a graceful stop,
// a second one exits at once.
import { ErrorCode, ExitCode, FlowwatchError } from './errors.ts';
import type { Logger } from './logger.ts';

export interface StopSignal {
  readonly signal: AbortSignal;
  /** Resolves once a stop is asked for, also if that happened before the call. */
  stopped(): Promise<void>;
  /** Removes the handlers (for commands that finish by themselves). */
  dispose(): void;
}

/**
 * `exitAfterMs`: the bound a command promises for its graceful stop. Each step of a stop has its own
 * timeout; this one catches whatever none of them foresaw (a client call that never settles while
 * brokers are unreachable), so the promise holds whatever happens.
 */
export function onStopSignals(log: Logger, options: { exitAfterMs?: number } = {}): StopSignal {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log.warn({ signal: name }, 'second stop signal: exiting now');
      process.exit(ExitCode.INTERRUPTED);
    }
    log.info({ signal: name }, 'stopping gracefully (again to force)');
    if (options.exitAfterMs !== undefined) {
      const bound = options.exitAfterMs;
      setTimeout(() => {
        log.warn({ timeoutMs: bound }, 'could not stop gracefully in time; exiting now');
        process.exit(ExitCode.INTERRUPTED);
      }, bound).unref();
    }
    controller.abort(name);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  const stopped = new Promise<void>((resolve) => {
    controller.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  return {
    signal: controller.signal,
    stopped: () => stopped,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Waits for `work` at most `timeoutMs`: true if it settled in time (its outcome is not reported). */
export async function settlesWithin(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([work.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Settles as `work` does, or rejects after `timeoutMs` saying what it waited for. */
export async function within<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Settles as `work` does, or rejects with FW_INTERRUPTED (exit 130) as soon as `signal` fires, saying
 * what was left undone. For steps that may wait long on a broker and have nothing to deliver yet.
 * Leaves no listener behind; the work left behind is not awaited (the command is exiting).
 */
export async function unlessStopped<T>(work: Promise<T>, signal: AbortSignal, undone: string): Promise<T> {
  const interrupted = () =>
    new FlowwatchError(ErrorCode.INTERRUPTED, `stopped by ${String(signal.reason ?? 'a signal')} ${undone}`);
  if (signal.aborted) {
    work.catch(() => undefined);
    throw interrupted();
  }
  let onAbort: () => void = () => {};
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(interrupted());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, stopped]);
  } finally {
    signal.removeEventListener('abort', onAbort);
    work.catch(() => undefined);
  }
}
