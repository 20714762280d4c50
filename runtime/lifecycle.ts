// Signal handling for every long-running command: the first SIGINT/SIGTERM asks for a graceful stop,
// a second one exits at once; a stop that takes too long exits anyway.
import { ExitCode } from './errors.ts';
import type { Logger } from './logger.ts';

export interface StopSignal {
  readonly signal: AbortSignal;
  /** Resolves once a stop is asked for, also if that happened before the call. */
  stopped(): Promise<void>;
  /** Removes the handlers (for commands that finish by themselves). */
  dispose(): void;
}

/** The part of the process that stops are wired to (a fake one in unit tests). */
export interface SignalHost {
  on(event: NodeJS.Signals, handler: (name: NodeJS.Signals) => void): unknown;
  off(event: NodeJS.Signals, handler: (name: NodeJS.Signals) => void): unknown;
  exit(code: number): never;
}

/**
 * `exitAfterMs`: the bound a command promises for its graceful stop. Each step of a stop has its own
 * timeout; this one catches whatever none of them foresaw (a client call that never settles while
 * brokers are unreachable), so the promise holds whatever happens.
 */
export function onStopSignals(log: Logger, options: { exitAfterMs?: number; host?: SignalHost } = {}): StopSignal {
  const host = options.host ?? process;
  const controller = new AbortController();
  const handler = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log.warn({ signal: name }, 'second stop signal: exiting now');
      host.exit(ExitCode.INTERRUPTED);
    }
    log.info({ signal: name }, 'stopping gracefully (again to force)');
    if (options.exitAfterMs !== undefined) {
      const bound = options.exitAfterMs;
      setTimeout(() => {
        log.warn({ timeoutMs: bound }, 'could not stop gracefully in time; exiting now');
        host.exit(ExitCode.INTERRUPTED);
      }, bound).unref();
    }
    controller.abort(name);
  };
  host.on('SIGINT', handler);
  host.on('SIGTERM', handler);
  const stopped = new Promise<void>((resolve) => {
    controller.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  return {
    signal: controller.signal,
    stopped: () => stopped,
    dispose: () => {
      host.off('SIGINT', handler);
      host.off('SIGTERM', handler);
    },
  };
}
