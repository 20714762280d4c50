// Starts the `flowwatch` command as a child process with a given configuration, the way a user runs
// it: for the walkthrough's producer and consumers, the benchmarks and the tests. Its events, when
// asked for, arrive over a pipe of their own (fd 3), apart from its output and its logs.
import { type ChildProcess, spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type Config, configEnvironment } from './config.ts';
import { readEvents } from './event-stream.ts';
import type { InstrumentationEvent } from './instrumentation.ts';
import { NODE_MEMORY_FLAGS } from './runtime-flags.ts';

export const FLOWWATCH_BIN = fileURLToPath(new URL('../bin/flowwatch.js', import.meta.url));

/** The file descriptor a child writes its events to. */
const EVENTS_FD = 3;

export interface FlowwatchSpawnOptions {
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

export function spawnFlowwatch(args: readonly string[], options: FlowwatchSpawnOptions = {}): ChildProcess {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...(options.config === undefined ? {} : configEnvironment(options.config)),
    ...options.env,
  };
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
