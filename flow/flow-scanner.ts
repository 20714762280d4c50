// Splits a byte stream into numbered lines and classifies each: flow, invalid (with a reason) or
// skipped (blank, header). Memory stays bounded: an over-long line is dropped as it streams past.
import { isAscii } from 'node:buffer';
import { isHeaderLine, MAX_LINE_BYTES, parseFlowLine, parseFlowText } from './flow-line.ts';

const LF = 0x0a;

export interface FlowVisitor {
  flow(fields: string[], line: Buffer, lineNumber: number): void;
  /** `length` is the whole line's, in bytes: more than `line` holds when the line is over-long. */
  invalid(line: Buffer, lineNumber: number, reason: string, length: number): void;
  skipped(lineNumber: number): void;
}

export interface ScanCounts {
  lines: number;
  flows: number;
  invalid: number;
  skipped: number;
}

export class FlowScanner {
  readonly counts: ScanCounts = { lines: 0, flows: 0, invalid: 0, skipped: 0 };
  private readonly visitor: FlowVisitor;
  private readonly maxLineBytes: number;
  /** Start of a line cut by a chunk boundary. */
  private pending: Buffer | undefined;
  /** Bytes of the current over-long line seen so far; 0 when not inside one. */
  private overlongBytes = 0;

  constructor(visitor: FlowVisitor, maxLineBytes = MAX_LINE_BYTES) {
    this.visitor = visitor;
    this.maxLineBytes = maxLineBytes;
  }

  push(chunk: Buffer): void {
    // LANL files are ASCII: then one decode of the whole chunk replaces a UTF-8 check and a decode
    // per line (string offsets equal byte offsets).
    const text = isAscii(chunk) ? chunk.toString('latin1') : undefined;
    let start = 0;
    for (let newline = chunk.indexOf(LF); newline !== -1; newline = chunk.indexOf(LF, start)) {
      this.takeLine(chunk, start, newline, text);
      start = newline + 1;
    }
    if (start < chunk.length) this.keepPartial(chunk.subarray(start));
  }

  /** The input ended: a last line without a newline is a line too. */
  end(): void {
    if (this.pending !== undefined || this.overlongBytes > 0) this.takeLine(Buffer.alloc(0), 0, 0);
  }

  private takeLine(chunk: Buffer, start: number, end: number, text?: string): void {
    const lineNumber = ++this.counts.lines;
    if (this.overlongBytes > 0) {
      const total = this.overlongBytes + (end - start);
      const head = this.pending as Buffer;
      this.pending = undefined;
      this.overlongBytes = 0;
      this.reject(head, lineNumber, `line longer than ${this.maxLineBytes} bytes (${total} bytes)`, total);
      return;
    }
    let line = chunk.subarray(start, end);
    let decoded = text;
    if (this.pending !== undefined) {
      line = Buffer.concat([this.pending, line]);
      this.pending = undefined;
      decoded = undefined;
    }
    if (line.length > this.maxLineBytes) {
      this.reject(
        line.subarray(0, this.maxLineBytes),
        lineNumber,
        `line longer than ${this.maxLineBytes} bytes (${line.length} bytes)`,
        line.length,
      );
      return;
    }
    if (isHeaderLine(lineNumber, line)) {
      this.skip(lineNumber);
      return;
    }
    const result = decoded === undefined ? parseFlowLine(line) : parseFlowText(decoded.slice(start, end));
    if (result.kind === 'flow') {
      this.counts.flows++;
      this.visitor.flow(result.fields, line, lineNumber);
    } else if (result.kind === 'invalid') {
      this.reject(line, lineNumber, result.reason);
    } else {
      this.skip(lineNumber);
    }
  }

  /** Keeps the start of a line that continues in the next chunk, or only its head if it is too long. */
  private keepPartial(rest: Buffer): void {
    if (this.overlongBytes > 0) {
      this.overlongBytes += rest.length;
      return;
    }
    const joined = this.pending === undefined ? Buffer.from(rest) : Buffer.concat([this.pending, rest]);
    if (joined.length > this.maxLineBytes) {
      this.pending = joined.subarray(0, this.maxLineBytes);
      this.overlongBytes = joined.length;
    } else {
      this.pending = joined;
    }
  }

  private reject(line: Buffer, lineNumber: number, reason: string, length = line.length): void {
    this.counts.invalid++;
    this.visitor.invalid(line, lineNumber, reason, length);
  }

  private skip(lineNumber: number): void {
    this.counts.skipped++;
    this.visitor.skipped(lineNumber);
  }
}
