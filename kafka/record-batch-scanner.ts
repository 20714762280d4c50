// Walks Kafka record batches (v2, magic 2) in the bytes a fetch returned, record by record, into one
// reused view: offsets, timestamps and where each value lies, with no object per record.
import { createRequire } from 'node:module';
import type { IHeaders } from 'kafkajs';

/** One record as the scanner stands on it: numbers and positions in `bytes`, refilled for each record. */
export interface RecordView {
  /** The buffer the positions below point into: the fetched bytes, or a compressed batch decompressed. */
  bytes: Buffer;
  offset: number;
  /** As kafkajs gives it: the batch's first timestamp plus the record's delta, or the batch's max with log append time. */
  timestamp: number;
  /** -1 when the key or value is null. */
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
  /** Where the record's headers begin (their count first), and where the record ends. */
  headersStart: number;
  recordEnd: number;
  /** The batch's flags and producer, as kafkajs' batch context holds them. */
  control: boolean;
  transactional: boolean;
  producerId: bigint;
}

/** A batch's attributes: compression codec (low three bits), log append time, transactional, control. */
const CODEC_MASK = 0x07;
const LOG_APPEND_TIME = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
const MAGIC = 2;
/** Offset, length, leader epoch and magic come before the length-covered rest (kafkajs reads 49 first). */
const OFFSET_AND_LENGTH = 12;
const HEADER_BYTES = 61;
const RECORD_BATCH_OVERHEAD = 49;
const TWO_32 = 2 ** 32;
/** A varlong of at most this many bytes (49 bits) adds up exactly in a double. */
const EXACT_VARLONG_BYTES = 7;

/** Codecs, with kafkajs' own gzip: a compressed batch is scanned once its records are decompressed. */
const compression = createRequire(import.meta.url)('kafkajs/src/protocol/message/compression') as {
  lookupCodecByAttributes: (attributes: number) => { decompress: (bytes: Buffer) => Promise<Buffer> } | null;
};

export function emptyRecordView(): RecordView {
  return {
    bytes: Buffer.alloc(0),
    offset: 0,
    timestamp: 0,
    keyStart: -1,
    keyEnd: -1,
    valueStart: -1,
    valueEnd: -1,
    headersStart: 0,
    recordEnd: 0,
    control: false,
    transactional: false,
    producerId: -1n,
  };
}

/** The bytes a fetch returned for a partition are not record batches of magic 2 (the legacy message set). */
export function isRecordBatchSet(bytes: Buffer): boolean {
  return bytes.length > OFFSET_AND_LENGTH + 4 && bytes.readInt8(OFFSET_AND_LENGTH + 4) === MAGIC;
}

/**
 * Calls `visit` for every record of every whole batch in `bytes`, in order, with `view` refilled; a
 * cut batch at the end (a fetch's size limit) ends the walk, as it ends kafkajs' decoding. Offsets
 * beyond 2^53 are refused (RangeError): the caller reads such a fetch through kafkajs.
 */
export async function scanRecordBatches(
  bytes: Buffer,
  view: RecordView,
  visit: (view: RecordView) => void,
): Promise<void> {
  let at = 0;
  while (bytes.length - at >= RECORD_BATCH_OVERHEAD) {
    const length = bytes.readInt32BE(at + 8);
    const end = at + OFFSET_AND_LENGTH + length;
    if (end > bytes.length) return;
    const attributes = bytes.readInt16BE(at + 21);
    const base = safe(int64(bytes, at));
    const firstTimestamp = int64(bytes, at + 27);
    // Timestamps are whatever a producer wrote: one beyond 2^53 is read as Number() reads kafkajs' string.
    const firstExact = Number.isSafeInteger(firstTimestamp) ? undefined : bytes.readBigInt64BE(at + 27);
    const count = bytes.readInt32BE(at + 57);
    view.control = (attributes & CONTROL) !== 0;
    view.transactional = (attributes & TRANSACTIONAL) !== 0;
    view.producerId = bytes.readBigInt64BE(at + 43);
    const appendTime = (attributes & LOG_APPEND_TIME) !== 0 ? Number(bytes.readBigInt64BE(at + 35)) : undefined;
    const codec = compression.lookupCodecByAttributes(attributes & CODEC_MASK);
    if (codec === null) {
      view.bytes = bytes;
      scanRecords(at + HEADER_BYTES, count, base, [firstTimestamp, firstExact], appendTime, view, visit);
    } else if (count > 0) {
      view.bytes = await codec.decompress(bytes.subarray(at + HEADER_BYTES, end));
      scanRecords(0, count, base, [firstTimestamp, firstExact], appendTime, view, visit);
    }
    at = end;
  }
}

function scanRecords(
  start: number,
  count: number,
  base: number,
  [firstTimestamp, firstExact]: readonly [number, bigint | undefined],
  appendTime: number | undefined,
  view: RecordView,
  visit: (view: RecordView) => void,
): void {
  const bytes = view.bytes;
  // Set here, not before a decompression's await: another partition's scan may run meanwhile.
  firstBig = firstExact;
  let at = start;
  for (let i = 0; i < count; i++) {
    at = readVarInt(bytes, at);
    const length = varInt;
    const recordEnd = at + length;
    at += 1; // the record's attributes, unused by Kafka and kafkajs
    at = readVarLong(bytes, at);
    view.timestamp = appendTime ?? timestampOf(firstTimestamp);
    at = readVarInt(bytes, at);
    view.offset = safe(base + varInt);
    at = readVarInt(bytes, at);
    view.keyStart = varInt === -1 ? -1 : at;
    view.keyEnd = varInt === -1 ? -1 : at + varInt;
    if (varInt !== -1) at += varInt;
    at = readVarInt(bytes, at);
    view.valueStart = varInt === -1 ? -1 : at;
    view.valueEnd = varInt === -1 ? -1 : at + varInt;
    if (varInt !== -1) at += varInt;
    view.headersStart = at;
    view.recordEnd = recordEnd;
    visit(view);
    at = recordEnd;
  }
}

/** The record's value as kafkajs gives it: a view of the same bytes, or null. */
export function recordValue(view: RecordView): Buffer | null {
  return view.valueStart === -1 ? null : view.bytes.subarray(view.valueStart, view.valueEnd);
}

/** The record's headers as kafkajs (patched) builds them: a repeated key collects its values in an array. */
export function recordHeaders(view: RecordView): IHeaders {
  const { bytes } = view;
  const headers: IHeaders = {};
  let at = readVarInt(bytes, view.headersStart);
  const count = varInt === -1 ? 0 : varInt;
  for (let i = 0; i < count; i++) {
    at = readVarInt(bytes, at);
    const key = varInt === -1 ? null : bytes.toString('utf8', at, at + varInt);
    if (varInt !== -1) at += varInt;
    at = readVarInt(bytes, at);
    const value = varInt === -1 ? null : bytes.subarray(at, at + varInt);
    if (varInt !== -1) at += varInt;
    addHeader(headers, String(key), value);
  }
  return headers;
}

function addHeader(headers: IHeaders, key: string, value: Buffer | null): void {
  const previous = Object.hasOwn(headers, key) ? headers[key] : undefined;
  const next = previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  // An own property even for __proto__, as kafkajs makes it.
  Object.defineProperty(headers, key, { value: next, enumerable: true, writable: true, configurable: true });
}

/** The last varint or varlong read (module state, so that reading one allocates nothing). */
let varInt = 0;
let varLong = 0;
/** The last varlong, and the batch's first timestamp, as bigints when beyond 2^53 (else undefined). */
let varLongBig: bigint | undefined;
let firstBig: bigint | undefined;

/** First timestamp plus the record's delta, as kafkajs adds them (bigints, unbounded) and Number() reads the sum. */
function timestampOf(first: number): number {
  const sum = first + varLong;
  if (firstBig === undefined && varLongBig === undefined && Number.isSafeInteger(sum)) return sum;
  return Number((firstBig ?? BigInt(first)) + (varLongBig ?? BigInt(varLong)));
}

/** A zigzag varint, with kafkajs' own 32-bit arithmetic; returns the position after it. */
function readVarInt(bytes: Buffer, at: number): number {
  let result = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = bytes[at++] as number;
    result += (byte & 0x7f) << shift;
    shift += 7;
  } while (byte >= 0x80);
  varInt = (result >>> 1) ^ -(result & 1);
  return at;
}

/** A zigzag varlong; one over 49 bits goes through a bigint (kept in varLongBig). */
function readVarLong(bytes: Buffer, at: number): number {
  let result = 0;
  let scale = 1;
  const from = at;
  let byte: number;
  do {
    byte = bytes[at++] as number;
    result += (byte & 0x7f) * scale;
    scale *= 128;
  } while (byte >= 0x80);
  if (at - from <= EXACT_VARLONG_BYTES) {
    varLong = result % 2 === 0 ? result / 2 : -(result + 1) / 2;
    varLongBig = undefined;
    return at;
  }
  let big = 0n;
  for (let i = at - 1; i >= from; i--) big = (big << 7n) | BigInt((bytes[i] as number) & 0x7f);
  varLongBig = (big >> 1n) ^ -(big & 1n);
  varLong = Number(varLongBig);
  return at;
}

function int64(bytes: Buffer, at: number): number {
  return bytes.readInt32BE(at) * TWO_32 + bytes.readUInt32BE(at + 4);
}

function safe(value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError('a record batch offset beyond 2^53');
  return value;
}
