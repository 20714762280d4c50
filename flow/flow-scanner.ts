// Splits a byte stream into numbered lines and classifies each: flow, invalid (with a reason) or
// skipped (blank, header). Memory stays bounded: an over-long line is dropped as it streams past.
import { isAscii } from 'node:buffer';
import { FlowBytes, type FlowBytesKind, type FlowBytesView, readFlowBytes } from './flow-bytes.ts';
import { isHeaderLine, MAX_LINE_BYTES, parseFlowLine, parseFlowText } from './flow-line.ts';

const LF = 0x0a;
const CR = 0x0d;

export interface FlowVisitor {
  /**
   * A flow decided from its bytes (flow-bytes.ts): the line is `bytes[start, end)` (its CR kept, as
   * `line` in `flow`), `view` tells its Time and DstDevice and is reused for the next line. A visitor
   * without this method is given every flow through `flow`, with its fields as strings.
   */
  plainFlow?(
    bytes: Buffer,
    start: number,
    end: number,
    lineNumber: number,
    kind: FlowBytesKind,
    view: FlowBytesView,
  ): void;
  /** A flow, split into its fields: every flow when there is no `plainFlow`, else only those it does not take. */
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
  private readonly view: FlowBytesView = { time: 0, deviceStart: 0, deviceEnd: 0 };
  /** The text of the chunk being scanned, once a line of it needed one; null when it is not ASCII (see textOf). */
  private text: string | null | undefined;

  constructor(visitor: FlowVisitor, maxLineBytes = MAX_LINE_BYTES) {
    this.visitor = visitor;
    this.maxLineBytes = maxLineBytes;
  }

  push(chunk: Buffer): void {
    this.text = undefined;
    let start = 0;
    for (let newline = chunk.indexOf(LF); newline !== -1; newline = chunk.indexOf(LF, start)) {
      this.takeLine(chunk, start, newline);
      start = newline + 1;
    }
    this.text = undefined;
    if (start < chunk.length) this.keepPartial(chunk.subarray(start));
  }

  /** The input ended: a last line without a newline is a line too. */
  end(): void {
    if (this.pending !== undefined || this.overlongBytes > 0) this.takeLine(Buffer.alloc(0), 0, 0);
  }

  /**
   * The scanned chunk's text when it is ASCII: one decode of the whole chunk, the first time a line
   * of it is read as text, replaces a UTF-8 check and a decode per line (offsets are the same).
   */
  private textOf(chunk: Buffer): string | undefined {
    // Decided once a chunk either way: a UTF-8 file's chunk is not checked again for every line.
    if (this.text === undefined) this.text = isAscii(chunk) ? chunk.toString('latin1') : null;
    return this.text ?? undefined;
  }

  private takeLine(chunk: Buffer, lineStart: number, lineEnd: number): void {
    const lineNumber = ++this.counts.lines;
    if (this.overlongBytes > 0) {
      const total = this.overlongBytes + (lineEnd - lineStart);
      const head = this.pending as Buffer;
      this.pending = undefined;
      this.overlongBytes = 0;
      this.reject(head, lineNumber, `line longer than ${this.maxLineBytes} bytes (${total} bytes)`, total);
      return;
    }
    let bytes = chunk;
    let start = lineStart;
    let end = lineEnd;
    // A line joined from two chunks is no longer a slice of the chunk's text.
    let whole = true;
    if (this.pending !== undefined) {
      bytes = Buffer.concat([this.pending, chunk.subarray(start, end)]);
      start = 0;
      end = bytes.length;
      this.pending = undefined;
      whole = false;
    }
    if (end - start > this.maxLineBytes) {
      this.reject(
        bytes.subarray(start, start + this.maxLineBytes),
        lineNumber,
        `line longer than ${this.maxLineBytes} bytes (${end - start} bytes)`,
        end - start,
      );
      return;
    }
    if (lineNumber === 1 && isHeaderLine(lineNumber, bytes.subarray(start, end))) {
      this.skip(lineNumber);
      return;
    }
    const visitor = this.visitor;
    if (visitor.plainFlow !== undefined) {
      const kind = readFlowBytes(bytes, start, end, this.view);
      if (kind !== FlowBytes.undecided) {
        this.counts.flows++;
        visitor.plainFlow(bytes, start, end, lineNumber, kind, this.view);
        return;
      }
    }
    const line = bytes.subarray(start, end);
    const text = whole ? this.textOf(chunk) : undefined;
    // parseFlowLine drops one CR from the bytes and parseFlowText one more from the text: the text of
    // an ASCII chunk loses its first one here, so a line reads alike on every path (and as a value).
    const textEnd = end > start && bytes[end - 1] === CR ? end - 1 : end;
    const result = text === undefined ? parseFlowLine(line) : parseFlowText(text.slice(start, textEnd));
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
