// Starts the `flowwatch` command as a child process with a given configuration, the way a user runs
// it: for the walkthrough's producer and consumers, the benchmarks and the tests. Its events, when
// asked for, arrive over a pipe of their own (fd 3), apart from its output and its logs.
import { type ChildProcess, spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/index.ts';
import { configEnvironment } from '../config/index.ts';
import { readEvents } from './event-stream.ts';
import type { InstrumentationEvent } from './instrumentation.ts';
import { NODE_MEMORY_FLAGS } from './runtime-flags.ts';

export const FLOWWATCH_BIN = fileURLToPath(new URL('../bin/flowwatch.js', import.meta.url));

/** The file descriptor a child writes its events to. */
const EVENTS_FD = 3;

/** A process's environment, as its entry point reads it and hands it down. */
export type Environment = Readonly<Record<string, string | undefined>>;

export interface FlowwatchSpawnOptions {
  /** The environment the child starts from: the entry's own, handed down (nothing deep reads process.env). */
  readonly parentEnv: Environment;
  /** The configuration to run with (as configEnvironment passes it); the parent's environment otherwise. */
  readonly config?: Config;
  /** Variables on top (a test's topic, group and prefix, LOG_LEVEL). */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** True: standard input is a pipe to write to; otherwise none. */
  readonly stdin?: boolean;
  /** Called with each instrumentation event the process emits. */
  readonly onEvent?: (event: InstrumentationEvent) => void;
}

/**
 * A child's environment: the parent's, with every setting of `config` set or removed (a value the
 * parent overrode with a flag, or resolved to off, must not reach the child from the environment),
 * then `extra` on top.
 */
export function childEnvironment(
  parentEnv: Environment,
  config: Config | undefined,
  extra: Readonly<Record<string, string>> = {},
): Record<string, string | undefined> {
  const env = { ...parentEnv, ...(config === undefined ? {} : configEnvironment(config)), ...extra };
  // A removed setting is absent, not a variable holding "undefined".
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return env;
}

export function spawnFlowwatch(args: readonly string[], options: FlowwatchSpawnOptions): ChildProcess {
  const env = childEnvironment(options.parentEnv, options.config, options.env);
  // A child writes events only where its parent reads them, never to a file of the parent's own.
  env.FLOWWATCH_EVENTS_FILE = options.onEvent === undefined ? undefined : `/dev/fd/${EVENTS_FD}`;
  const child = spawn(process.execPath, [...NODE_MEMORY_FLAGS, FLOWWATCH_BIN, ...args], {
    cwd: options.cwd,
    env,
    stdio: [
      options.stdin === true ? 'pipe' : 'ignore',
      'pipe',
      'pipe',
      options.onEvent === undefined ? 'ignore' : 'pipe',
    ],
  });
  const events = child.stdio[EVENTS_FD];
  if (options.onEvent !== undefined && events instanceof Readable) readEvents(events, options.onEvent);
  return child;
}
