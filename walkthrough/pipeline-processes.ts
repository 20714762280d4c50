// The walkthrough's producer and consumers: real `flowwatch` processes, as a user would run them,
// each with its events read over a pipe of its own and its log written to a file of its own.
import type { ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import type { Config } from '../config/index.ts';
import { type Environment, type InstrumentationEvent, spawnFlowwatch } from '../runtime/index.ts';
import { StderrTail } from './stderr-tail.ts';

export class FlowwatchProcess {
  readonly name: string;
  readonly exited: Promise<number>;
  /** The file its log goes to. */
  readonly logFile: string;
  private readonly child: ChildProcess;
  private readonly log: WriteStream;
  private readonly tail = new StderrTail();
  private readonly received: InstrumentationEvent[] = [];
  private stopRequested = false;
  private exitCode: number | undefined;

  constructor(name: string, args: readonly string[], config: Config, parentEnv: Environment, logFile: string) {
    this.name = name;
    this.logFile = logFile;
    this.log = createWriteStream(logFile);
    // A log file that cannot be written costs the log, never the run.
    this.log.on('error', () => undefined);
    this.child = spawnFlowwatch(args, { parentEnv, config, onEvent: (event) => this.received.push(event) });
    this.child.stdout?.resume();
    this.child.stderr?.pipe(this.log);
    this.child.stderr?.on('data', (chunk: Buffer) => this.tail.push(chunk));
    this.child.stderr?.on('end', () => this.tail.end());
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

  /**
   * Why it failed, in one sentence: the one it ended with, or else the message of the last error it
   * logged; its log file holds the rest.
   */
  get reason(): string {
    return this.tail.reason;
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
