// Signal handling for every long-running command: the first SIGINT/SIGTERM asks for a graceful stop,
// a second one exits at once.
import type { Logger } from './logger.ts';

export const FORCED_EXIT_CODE = 130;

export interface StopSignal {
  readonly signal: AbortSignal;
  /** Resolves once a stop is asked for, also if that happened before the call. */
  stopped(): Promise<void>;
  /** Removes the handlers (for commands that finish by themselves). */
  dispose(): void;
}

export function onStopSignals(log: Logger): StopSignal {
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log.warn({ signal: name }, 'second stop signal: exiting now');
      process.exit(FORCED_EXIT_CODE);
    }
    log.info({ signal: name }, 'stopping gracefully (again to force)');
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
