// A record that is one line of a stream, for the producer's hot path: its key and value are ranges of
// bytes already in memory (usually the chunk the line was read from), and its headers are bytes
// encoded once per stream but for the line number, which the encoder writes as digits in place. One
// small object per line instead of a kafkajs Message, its headers object, the number's string and a
// Buffer view of the line: a batch holds thousands, and they outlive the young generation.
import { varintBytes, writeVarint } from './record-field-bytes.ts';

const ZERO = 0x30;
const HEADER_COUNT = 3;
/** Below this many bytes a range is copied byte by byte: cheaper than a call into Buffer's copy. */
const SHORT_COPY_BYTES = 64;

/** `data` after its length as a zigzag varint, as Kafka lays out a header's name or value. */
function lengthPrefixed(data: Buffer): Buffer {
  const field = Buffer.alloc(varintBytes(data.length) + data.length);
  data.copy(field, writeVarint(field, 0, data.length));
  return field;
}

/** A header's name or value as kafkajs writes it: a Buffer as it is, a string as its UTF-8 bytes. */
function headerField(data: Buffer | string): Buffer {
  return lengthPrefixed(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
}

/**
 * Three headers in a fixed order, as kafkajs writes a headers object `{ [before]: …, [numbered]:
 * String(n), [after]: … }`: the first and last encoded here once, the middle one's value per record.
 */
export class LineHeaders {
  /** The first header's name and value, each length-prefixed. */
  readonly before: Buffer;
  /** The numbered header's name, length-prefixed. */
  readonly numberedName: Buffer;
  /** The last header's name and value, each length-prefixed. */
  readonly after: Buffer;
  /** Bytes of the three headers, count included, but for the number's digits. */
  readonly fixedBytes: number;

  constructor(before: readonly [string, Buffer | string], numbered: string, after: readonly [string, Buffer | string]) {
    this.before = Buffer.concat([headerField(before[0]), headerField(before[1])]);
    this.numberedName = headerField(numbered);
    this.after = Buffer.concat([headerField(after[0]), headerField(after[1])]);
    // The count (3) and the digits' length (at most 16 digits) are one byte each.
    this.fixedBytes = 1 + this.before.length + this.numberedName.length + 1 + this.after.length;
  }
}

/** One line as a keyed record; `partition` is set when it is routed. */
export class LineRecord {
  /** Holds the value, `[valueStart, valueEnd)`. */
  readonly bytes: Buffer;
  readonly valueStart: number;
  readonly valueEnd: number;
  /** Holds the key, `[keyStart, keyEnd)`: often `bytes` itself. */
  readonly keyBytes: Buffer;
  readonly keyStart: number;
  readonly keyEnd: number;
  /** The numbered header's value: a positive integer. */
  readonly lineNumber: number;
  /** When the line is due, for a paced run (in its caller's unit). */
  readonly time: number;
  readonly headers: LineHeaders;
  partition = 0;

  /** Positional, in the order of the fields: one is made per line, so no options object. */
  constructor(
    bytes: Buffer,
    valueStart: number,
    valueEnd: number,
    keyBytes: Buffer,
    keyStart: number,
    keyEnd: number,
    lineNumber: number,
    time: number,
    headers: LineHeaders,
  ) {
    this.bytes = bytes;
    this.valueStart = valueStart;
    this.valueEnd = valueEnd;
    this.keyBytes = keyBytes;
    this.keyStart = keyStart;
    this.keyEnd = keyEnd;
    this.lineNumber = lineNumber;
    this.time = time;
    this.headers = headers;
  }
}

/** Decimal digits of a positive integer, as String() writes it. */
export function digitCount(n: number): number {
  let digits = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    digits++;
  }
  return digits;
}

/** Bytes of a line's record after its length, at `offsetDelta` in its batch. */
export function lineBodyBytes(line: LineRecord, offsetDelta: number): number {
  const keyBytes = line.keyEnd - line.keyStart;
  const valueBytes = line.valueEnd - line.valueStart;
  return (
    2 +
    varintBytes(offsetDelta) +
    varintBytes(keyBytes) +
    keyBytes +
    varintBytes(valueBytes) +
    valueBytes +
    line.headers.fixedBytes +
    digitCount(line.lineNumber)
  );
}

/**
 * Writes a line's record after its length into `buffer` at `at` (room made by the caller): what
 * kafkajs writes for the message with that key, value and headers. Returns where it ends.
 */
export function writeLineBody(buffer: Buffer, at: number, line: LineRecord, offsetDelta: number): number {
  let next = at;
  buffer[next++] = 0; // attributes: none are defined for a record
  buffer[next++] = 0; // timestamp delta: every record takes the batch's time
  next = writeVarint(buffer, next, offsetDelta);
  next = writeVarint(buffer, next, line.keyEnd - line.keyStart);
  next = copyRange(buffer, next, line.keyBytes, line.keyStart, line.keyEnd);
  next = writeVarint(buffer, next, line.valueEnd - line.valueStart);
  next = copyRange(buffer, next, line.bytes, line.valueStart, line.valueEnd);
  const { headers, lineNumber } = line;
  next = writeVarint(buffer, next, HEADER_COUNT);
  buffer.set(headers.before, next);
  next += headers.before.length;
  buffer.set(headers.numberedName, next);
  next += headers.numberedName.length;
  const digits = digitCount(lineNumber);
  next = writeVarint(buffer, next, digits);
  let n = lineNumber;
  for (let i = next + digits - 1; i >= next; i--) {
    buffer[i] = ZERO + (n % 10);
    n = Math.floor(n / 10);
  }
  next += digits;
  buffer.set(headers.after, next);
  return next + headers.after.length;
}

/** Copies `from[start, end)` to `buffer` at `at`; returns where it ends. */
function copyRange(buffer: Buffer, at: number, from: Buffer, start: number, end: number): number {
  if (end - start >= SHORT_COPY_BYTES) {
    from.copy(buffer, at, start, end);
    return at + end - start;
  }
  let next = at;
  for (let i = start; i < end; i++) buffer[next++] = from[i] as number;
  return next;
}
