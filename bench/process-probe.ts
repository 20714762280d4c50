// Runs a command as a child process and measures it: wall time and peak resident memory (VmHWM,
// sampled from /proc while it runs), with its output kept for parsing.
import { spawn } from 'node:child_process';
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
  /** What it has written to stderr so far. */
  stderrSoFar(): string;
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

export function probe(command: string, args: readonly string[], env: Record<string, string> = {}): Probe {
  const started = performance.now();
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let peak = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
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
  return { pid: child.pid, done, kill: (signal = 'SIGTERM') => child.kill(signal), stderrSoFar: () => stderr };
}

/** The pino log lines of a flowwatch process, parsed. */
export function logLines(stderr: string): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(line) as Record<string, unknown>);
    } catch {
      // not a log line
    }
  }
  return lines;
}
