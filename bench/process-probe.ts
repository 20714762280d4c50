// Measures a child process while it runs: wall time and peak resident memory (VmHWM, sampled from
// /proc), with its output kept.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProbeResult {
  readonly code: number | null;
  readonly seconds: number;
  readonly peakRssMb: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Probe {
  readonly pid: number | undefined;
  readonly done: Promise<ProbeResult>;
  kill(signal?: NodeJS.Signals): void;
}

const SAMPLE_MS = 100;

function peakRssKb(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? 0 : Number(match[1]);
  } catch {
    return 0;
  }
}

/** Measures `child` (started just now, with piped stdout and stderr) until it exits. */
export function probeChild(child: ChildProcess): Probe {
  const started = performance.now();
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const sampler = setInterval(() => {
    if (child.pid !== undefined) peak = Math.max(peak, peakRssKb(child.pid));
  }, SAMPLE_MS);
  const done = new Promise<ProbeResult>((resolve) => {
    child.on('close', (code) => {
      clearInterval(sampler);
      resolve({ code, seconds: (performance.now() - started) / 1000, peakRssMb: peak / 1024, stdout, stderr });
    });
  });
  return { pid: child.pid, done, kill: (signal = 'SIGTERM') => child.kill(signal) };
}

/** Runs a command and measures it. */
export function probe(command: string, args: readonly string[], env: Record<string, string> = {}): Probe {
  return probeChild(spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}
