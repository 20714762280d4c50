// The last lines a child `flowwatch` wrote to stderr, and the one sentence they give for its failure.
import { StringDecoder } from 'node:string_decoder';

const TAIL_LINES = 20;
/** The sentence a flowwatch command ends with when it could not do its job (cli/main.ts). */
const FAILURE_SENTENCE = /^flowwatch: (.*)$/;

export class StderrTail {
  private readonly lines: string[] = [];
  // A chunk ends anywhere, within a line or a character: both wait for the next one.
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';

  /** Takes the next chunk as it arrived. */
  push(chunk: Buffer | string): void {
    const pieces = (this.partial + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk))).split('\n');
    this.partial = pieces.pop() ?? '';
    for (const line of pieces) this.keep(line);
  }

  /** The stream ended: its last line counts even without a newline. */
  end(): void {
    this.keep(this.partial + this.decoder.end());
    this.partial = '';
  }

  private keep(line: string): void {
    if (line.trim() === '') return;
    this.lines.push(line);
    if (this.lines.length > TAIL_LINES) this.lines.shift();
  }

  /**
   * Why it failed, in one sentence: the one it ended with, or else the message of the last error it
   * logged.
   */
  get reason(): string {
    for (const line of this.lines.toReversed()) {
      const sentence = FAILURE_SENTENCE.exec(line)?.[1];
      if (sentence !== undefined) return sentence;
    }
    for (const line of this.lines.toReversed()) {
      const entry = parsedEntry(line);
      if (entry !== undefined && (entry.level ?? 0) >= 50) return entry.err?.message ?? entry.msg ?? line;
    }
    return 'it gave no reason';
  }
}

interface LogEntry {
  readonly level?: number;
  readonly msg?: string;
  readonly err?: { readonly message?: string };
}

function parsedEntry(line: string): LogEntry | undefined {
  try {
    const entry: unknown = JSON.parse(line);
    return typeof entry === 'object' && entry !== null ? (entry as LogEntry) : undefined;
  } catch {
    return undefined;
  }
}
