// Runs the real `flowwatch` command as a child process, the way a user does, with its
// instrumentation events collected (over their own pipe, apart from its output and logs).
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type InstrumentationEvent, spawnFlowwatch } from '../../common/index.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
  /** Every event it has emitted so far, in order. */
  readonly events: readonly InstrumentationEvent[];
  output(): { stdout: string; stderr: string };
  /** The events of one type it has emitted so far. */
  eventsOf(type: string): InstrumentationEvent[];
}

/** Every child still running when the test worker exits is killed, so no failed test leaves one behind. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function spawnCli(args: readonly string[], env: Record<string, string>, stdin?: Buffer): RunningCli {
  const events: InstrumentationEvent[] = [];
  const child = spawnFlowwatch(args, {
    cwd: ROOT,
    env: { LOG_LEVEL: 'info', ...env },
    stdin: true,
    onEvent: (event) => events.push(event),
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // A child killed before it has read all of its input closes the pipe: not an error of the test.
  child.stdin?.on('error', () => {});
  if (stdin !== undefined) child.stdin?.end(stdin);
  else child.stdin?.end();
  running.add(child);
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    done,
    events,
    output: () => ({ stdout, stderr }),
    eventsOf: (type) => events.filter((event) => event.type === type),
  };
}

export function runCli(args: readonly string[], env: Record<string, string>, stdin?: Buffer): Promise<CliResult> {
  return spawnCli(args, env, stdin).done;
}

/** Says what the processes said when a step fails: a stall and a crash look alike from outside. */
export function explain(processes: readonly RunningCli[]) {
  return (error: Error): never => {
    const tails = processes.map((p) => p.output().stderr.slice(-2000)).join('\n---\n');
    throw new Error(`${error.message}\n${tails}`);
  };
}
