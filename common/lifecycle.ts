// Signal handling for every long-running command: the first SIGINT/SIGTERM asks for a graceful stop,
// a second one exits at once.
import type { Logger } from './logger.ts';

export const FORCED_EXIT_CODE = 130;

export interface StopSignal {
  readonly signal: AbortSignal;
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
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
