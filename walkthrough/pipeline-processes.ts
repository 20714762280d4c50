// The walkthrough's producer and consumers: real `flowwatch` processes, as a user would run them.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NODE_MEMORY_FLAGS } from '../common/index.ts';

const BIN = fileURLToPath(new URL('../bin/flowwatch.js', import.meta.url));
const TAIL_LINES = 20;

export class FlowwatchProcess {
  readonly name: string;
  readonly exited: Promise<number>;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private stdout = '';
  private stopRequested = false;
  private exitCode: number | undefined;

  constructor(name: string, args: readonly string[], env: Record<string, string>) {
    this.name = name;
    this.child = spawn(process.execPath, [...NODE_MEMORY_FLAGS, BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.stdout += chunk.toString();
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (line.trim() === '') continue;
        this.tail.push(line);
        if (this.tail.length > TAIL_LINES) this.tail.shift();
      }
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.exitCode = code ?? (signal === null ? 1 : 128);
        resolve(this.exitCode);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get output(): string {
    return this.stdout;
  }

  /** The last lines it logged, for explaining a failure. */
  get lastLogLines(): readonly string[] {
    return this.tail;
  }

  /** Its exit code once it has exited. */
  get code(): number | undefined {
    return this.exitCode;
  }

  /** True if it exited without being asked to stop. */
  get exitedEarly(): boolean {
    return this.exitCode !== undefined && !this.stopRequested;
  }

  /** Asks for a graceful stop; idempotent. */
  stop(): Promise<number> {
    this.stopRequested = true;
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
