// The sizes of a record's fields as Kafka's record format v2 lays them out (zigzag varint lengths),
// and the one varint writer, shared by the record batch encoder and the lines it writes.
import type { IHeaders } from 'kafkajs';

/** Bytes of a zigzag varint of a 32-bit value, as Kafka encodes lengths, counts and offset deltas. */
export function varintBytes(value: number): number {
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (zigzag >= 0x80) {
    zigzag >>>= 7;
    bytes++;
  }
  return bytes;
}

/** A key, value or header as kafkajs takes it. */
export type FieldData = Buffer | string | null | undefined;

/** Bytes of a field's data: -1 for null (kafkajs writes any value other than a Buffer as its text). */
function dataBytes(data: FieldData): number {
  if (data === null || data === undefined) return -1;
  return Buffer.isBuffer(data) ? data.length : Buffer.byteLength(String(data));
}

/** Bytes of a length-prefixed field. */
export function fieldBytes(data: FieldData): number {
  const length = dataBytes(data);
  return length < 0 ? 1 : varintBytes(length) + length;
}

export const NO_HEADERS: IHeaders = Object.freeze({});

/** Bytes of a record's headers, count included; a key with an array value is one header per item. */
export function headersBytes(headers: IHeaders | undefined): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  // Own keys only, as kafkajs' record encoder walks them (Object.keys), and as `add` writes them.
  for (const key of Object.keys(headers ?? NO_HEADERS)) {
    const value = (headers as IHeaders)[key];
    const keyBytes = fieldBytes(key);
    if (Array.isArray(value)) {
      for (const one of value) bytes += keyBytes + fieldBytes(one);
      count += value.length;
    } else {
      bytes += keyBytes + fieldBytes(value);
      count++;
    }
  }
  return { count, bytes: varintBytes(count) + bytes };
}

/** Writes `value` as a zigzag varint into `buffer` at `at`; returns where it ends. */
export function writeVarint(buffer: Buffer, at: number, value: number): number {
  let next = at;
  let zigzag = ((value << 1) ^ (value >> 31)) >>> 0;
  while (zigzag >= 0x80) {
    buffer[next++] = (zigzag & 0x7f) | 0x80;
    zigzag >>>= 7;
  }
  buffer[next++] = zigzag;
  return next;
}
