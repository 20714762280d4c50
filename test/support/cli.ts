// Runs the real `flowwatch` command as a child process, the way a user does.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NODE_MEMORY_FLAGS } from '../../common/index.ts';

export const BIN = fileURLToPath(new URL('../../bin/flowwatch.js', import.meta.url));
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
  output(): { stdout: string; stderr: string };
}

/** Every child still running when the test worker exits is killed, so no failed test leaves one behind. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export function spawnCli(args: readonly string[], env: Record<string, string>, stdin?: Buffer): RunningCli {
  const child = spawn(process.execPath, [...NODE_MEMORY_FLAGS, BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  if (stdin !== undefined) child.stdin?.end(stdin);
  else child.stdin?.end();
  running.add(child);
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done, output: () => ({ stdout, stderr }) };
}

export function runCli(args: readonly string[], env: Record<string, string>, stdin?: Buffer): Promise<CliResult> {
  return spawnCli(args, env, stdin).done;
}
