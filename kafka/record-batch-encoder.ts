// Encodes kafkajs messages, and the producer's lines (line-record.ts), straight into one reusable
// Kafka record batch (format v2): each record's length, varints and headers written in place, then,
// at send time, the batch header and its CRC-32C.
// kafkajs itself builds an encoder object and a copy for every record and every header.
import type { Message } from 'kafkajs';
import { crc32c } from './crc32c.ts';
import { LineRecord, lineBodyBytes, writeLineBody } from './line-record.ts';
import {
  type FieldData,
  fieldBytes,
  headersBytes,
  NO_HEADERS,
  varintBytes,
  writeVarint,
} from './record-field-bytes.ts';

/** What the encoder takes as a record: a kafkajs message, or a line of a stream (line-record.ts). */
export type Encodable = Message | LineRecord;

/** The record batch's own header: base offset, length, epoch, magic, CRC, attributes, ... */
export const BATCH_HEADER_BYTES = 61;
const MAGIC = 2;
const TRANSACTIONAL_ATTRIBUTE = 0x10;
/** Where the bytes the CRC covers start: the attributes, after base offset, length, epoch, magic and CRC. */
const CRC_START = 21;

/** What only the client knows when it sends the batch (the kafkajs patch hands it over). */
export interface SealFields {
  /** kafkajs' compression type: the records are written uncompressed, so only none (0) is accepted. */
  readonly compression?: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly firstSequence: number;
  readonly transactional: boolean;
}

/**
 * One partition's record batch under construction. `add` appends a message as a record while the
 * batch stays within a budget; `seal` completes the header and returns the bytes to send. The buffer
 * is kept and grown, never shrunk, and reused by `reset`: the bytes `seal` returns are valid until
 * the next `reset`, so a batch must be acknowledged before its encoder takes the next one.
 */
export class RecordBatchEncoder {
  private buffer: Buffer;
  private end = BATCH_HEADER_BYTES;
  private records = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(Math.max(initialBytes, BATCH_HEADER_BYTES));
  }

  /** Records in the batch. */
  get recordCount(): number {
    return this.records;
  }

  /** Bytes its buffer holds, in use or not. */
  get capacity(): number {
    return this.buffer.length;
  }

  /** Bytes of the whole batch, header included. */
  get size(): number {
    return this.end;
  }

  /** Empties the batch. */
  reset(): void {
    this.end = BATCH_HEADER_BYTES;
    this.records = 0;
  }

  /** The exact bytes `record` takes as the next record of this batch. */
  nextRecordBytes(record: Encodable): number {
    const body =
      record instanceof LineRecord
        ? lineBodyBytes(record, this.records)
        : this.bodyBytes(record, headersBytes(record.headers).bytes);
    return varintBytes(body) + body;
  }

  /**
   * Appends `record` (a message, or a line written as its message would be) as the next record if
   * the batch's records then take at most `budget` bytes (the header not counted); false, and
   * nothing written, if they would not. The timestamp delta is 0: like kafkajs for messages without
   * a timestamp, every record takes the batch's send time.
   */
  add(record: Encodable, budget: number): boolean {
    return record instanceof LineRecord ? this.addLine(record, budget) : this.addMessage(record, budget);
  }

  private addMessage(message: Message, budget: number): boolean {
    const headers = headersBytes(message.headers);
    const body = this.bodyBytes(message, headers.bytes);
    const size = varintBytes(body) + body;
    if (this.end - BATCH_HEADER_BYTES + size > budget) return false;
    this.ensureRoom(size);
    let at = writeVarint(this.buffer, this.end, body);
    this.buffer[at++] = 0; // attributes: none are defined for a record
    this.buffer[at++] = 0; // timestamp delta, a varlong of 0
    at = writeVarint(this.buffer, at, this.records);
    at = this.writeField(at, message.key);
    at = this.writeField(at, message.value);
    at = writeVarint(this.buffer, at, headers.count);
    const all = message.headers ?? NO_HEADERS;
    for (const key of Object.keys(all)) {
      const value = all[key];
      if (Array.isArray(value)) {
        for (const one of value) at = this.writeField(this.writeField(at, key), one);
      } else {
        at = this.writeField(this.writeField(at, key), value);
      }
    }
    this.end = at;
    this.records++;
    return true;
  }

  /** As addMessage, for a line: the same bytes as its Message (see LineHeaders), from its ranges. */
  private addLine(line: LineRecord, budget: number): boolean {
    const body = lineBodyBytes(line, this.records);
    const size = varintBytes(body) + body;
    if (this.end - BATCH_HEADER_BYTES + size > budget) return false;
    this.ensureRoom(size);
    const at = writeVarint(this.buffer, this.end, body);
    this.end = writeLineBody(this.buffer, at, line, this.records);
    this.records++;
    return true;
  }

  /**
   * Writes the batch header, stamped with the send time, and its CRC-32C; returns the batch's bytes
   * (a view of the encoder's buffer, valid until the next `reset`).
   */
  seal(fields: SealFields, timestamp: number = Date.now()): Buffer {
    if (this.records === 0) throw new Error('an empty record batch cannot be sent');
    if ((fields.compression ?? 0) !== 0) throw new Error('encoded record batches are sent uncompressed only');
    const buffer = this.buffer;
    buffer.writeBigInt64BE(0n, 0); // base offset: the broker assigns it
    buffer.writeInt32BE(this.end - 12, 8); // the length counts the bytes after itself
    buffer.writeInt32BE(0, 12); // partition leader epoch: the broker sets it
    buffer.writeInt8(MAGIC, 16);
    buffer.writeInt16BE(fields.transactional ? TRANSACTIONAL_ATTRIBUTE : 0, 21);
    buffer.writeInt32BE(this.records - 1, 23); // last offset delta
    buffer.writeBigInt64BE(BigInt(timestamp), 27); // first timestamp
    buffer.writeBigInt64BE(BigInt(timestamp), 35); // max timestamp
    buffer.writeBigInt64BE(fields.producerId, 43);
    buffer.writeInt16BE(fields.producerEpoch, 51);
    buffer.writeInt32BE(fields.firstSequence, 53);
    buffer.writeInt32BE(this.records, 57);
    buffer.writeUInt32BE(crc32c(buffer, CRC_START, this.end), 17);
    return buffer.subarray(0, this.end);
  }

  /** A record's bytes after its length: attributes, deltas, key, value and headers. */
  private bodyBytes(message: Message, headerBytes: number): number {
    return 2 + varintBytes(this.records) + fieldBytes(message.key) + fieldBytes(message.value) + headerBytes;
  }

  private ensureRoom(bytes: number): void {
    const needed = this.end + bytes;
    if (needed <= this.buffer.length) return;
    let length = this.buffer.length * 2;
    while (length < needed) length *= 2;
    const grown = Buffer.allocUnsafe(length);
    this.buffer.copy(grown, 0, 0, this.end);
    this.buffer = grown;
  }

  /** Writes a length-prefixed field (-1 alone for null); returns where it ends. */
  private writeField(at: number, data: FieldData): number {
    if (data === null || data === undefined) return writeVarint(this.buffer, at, -1);
    if (Buffer.isBuffer(data)) {
      const next = writeVarint(this.buffer, at, data.length);
      this.buffer.set(data, next);
      return next + data.length;
    }
    const text = String(data);
    const next = writeVarint(this.buffer, at, Buffer.byteLength(text));
    return next + this.buffer.write(text, next, 'utf8');
  }
}
