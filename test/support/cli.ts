// Runs the real `flowwatch` command as a child process, the way a user does, with its
// instrumentation events collected (over their own pipe, apart from its output and logs).
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { Readable, type Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type InstrumentationEvent, NODE_MEMORY_FLAGS, spawnFlowwatch } from '../../runtime/index.ts';

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
  /** When the test last read something of its output or events (ms since the epoch). */
  lastHeardAt(): number;
  /** The events of one type it has emitted so far. */
  eventsOf(type: string): InstrumentationEvent[];
}

/** Every child still running when the test worker exits is killed, so no failed test leaves one behind. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function spawnCli(args: readonly string[], env: Record<string, string>, stdin?: Buffer | Readable): RunningCli {
  const events: InstrumentationEvent[] = [];
  let heard = Date.now();
  const child = spawnFlowwatch(args, {
    parentEnv: process.env,
    cwd: ROOT,
    env: { LOG_LEVEL: 'info', ...env },
    stdin: true,
    onEvent: (event) => {
      heard = Date.now();
      events.push(event);
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    heard = Date.now();
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    heard = Date.now();
    stderr += chunk.toString();
  });
  // A child killed before it has read all of its input closes the pipe: not an error of the test.
  child.stdin?.on('error', () => {});
  // A stream stays open as long as the test keeps it open (a slow or silent input).
  if (stdin instanceof Readable) stdin.pipe(child.stdin as Writable);
  else if (stdin !== undefined) child.stdin?.end(stdin);
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
    lastHeardAt: () => heard,
    eventsOf: (type) => events.filter((event) => event.type === type),
  };
}

export function runCli(args: readonly string[], env: Record<string, string>, stdin?: Buffer): Promise<CliResult> {
  return spawnCli(args, env, stdin).done;
}

/**
 * Runs it with exactly the environment given on top of this one, FLOWWATCH_EVENTS_FILE included
 * (spawnFlowwatch sets that variable to its own pipe or clears it).
 */
export function runCliWithoutEvents(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  const child = spawn(process.execPath, [...NODE_MEMORY_FLAGS, 'bin/flowwatch.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  running.add(child);
  return new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Says what the processes said when a step fails: a stall and a crash look alike from outside. For
 * one still running, also what its threads wait for in the kernel (a process blocked writing to a
 * full pipe and one waiting on a silent broker look alike from its output).
 */
export function explain(processes: readonly RunningCli[]) {
  return (error: Error): never => {
    const tails = processes
      .map((p) => {
        const quiet = `${((Date.now() - p.lastHeardAt()) / 1000).toFixed(1)} s since its last output`;
        const state = p.child.exitCode === null && p.child.pid !== undefined ? kernelState(p.child.pid) : 'exited';
        return `[pid ${p.child.pid}: ${state}; ${quiet}]\n${p.output().stderr.slice(-2000)}`;
      })
      .join('\n---\n');
    throw new Error(`${error.message}\n${tails}`);
  };
}

/** Each thread's name, state and the kernel function it sleeps in, e.g. `node S ep_poll` (Linux only). */
function kernelState(pid: number): string {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8').trim();
    } catch {
      return '?';
    }
  };
  let threads: string[];
  try {
    threads = readdirSync(`/proc/${pid}/task`);
  } catch {
    return 'gone';
  }
  return threads
    .map((tid) => {
      const stat = read(`/proc/${pid}/task/${tid}/stat`);
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // Fields 3, 14 and 15 of stat(5): the state, and CPU time in user and kernel mode (clock ticks).
      const cpu = Number(fields[11]) + Number(fields[12]);
      return `${name} ${fields[0]} ${read(`/proc/${pid}/task/${tid}/wchan`)} cpu ${cpu}`;
    })
    .join(', ');
}
