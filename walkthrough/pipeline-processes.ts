// The walkthrough's producer and consumers: real `flowwatch` processes, as a user would run them,
// each with its events read over a pipe of its own.
import type { ChildProcess } from 'node:child_process';
import { type Config, type InstrumentationEvent, spawnFlowwatch } from '../common/index.ts';

const TAIL_LINES = 20;

export class FlowwatchProcess {
  readonly name: string;
  readonly exited: Promise<number>;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private readonly received: InstrumentationEvent[] = [];
  private stopRequested = false;
  private exitCode: number | undefined;

  constructor(name: string, args: readonly string[], config: Config, env: Record<string, string>) {
    this.name = name;
    this.child = spawnFlowwatch(args, { config, env, onEvent: (event) => this.received.push(event) });
    this.child.stdout?.resume();
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

  /** The last event of a type it emitted, if any. */
  lastEvent(type: string): InstrumentationEvent | undefined {
    return this.received.findLast((event) => event.type === type);
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
