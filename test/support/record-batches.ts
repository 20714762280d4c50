// Record batches for the scanner's tests, encoded and decoded by kafkajs' own protocol code.
import { createRequire } from 'node:module';
import type { IHeaders } from 'kafkajs';

const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (batch: object) => Promise<{ buffer: Buffer }>;
};
const Encoder = require('kafkajs/src/protocol/encoder') as new () => KafkajsEncoder;
export const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages') as (
  decoder: unknown,
  topic?: string,
) => Promise<KafkajsMessage[]>;
export const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
const Long = require('kafkajs/src/utils/long') as { fromValue: (value: number | string) => unknown };

interface KafkajsEncoder {
  writeInt8(value: number): KafkajsEncoder;
  writeVarInt(value: number): KafkajsEncoder;
  writeVarLong(value: number): KafkajsEncoder;
  writeVarIntBytes(value: Buffer | null): KafkajsEncoder;
  writeVarIntString(value: string): KafkajsEncoder;
  writeEncoder(value: KafkajsEncoder): KafkajsEncoder;
  size(): number;
}

export interface KafkajsMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
  isControlRecord: boolean;
  batchContext: { inTransaction: boolean; producerId: string };
}

/** A record as both readers give it, the batch's flags brought up beside the record's fields. */
export type ScannedRecord = Omit<KafkajsMessage, 'batchContext'> & KafkajsMessage['batchContext'];

export const GZIP = 1;
const ATTRIBUTES_AT = 21;
export const LOG_APPEND_TIME = 0x08;
export const CONTROL = 0x20;

export { randomSource as random } from '../../data/flow-generator.ts';

/** Every header shape kafkajs knows: none, one, a repeated key, a null value, __proto__, non-ASCII. */
const HEADER_SHAPES: Record<string, unknown>[] = [
  {},
  { source: Buffer.from('flows.csv'), line: Buffer.from('12'), 'source-id': Buffer.from('abc/1') },
  { line: [Buffer.from('1'), Buffer.from('2'), Buffer.from('3')] },
  { empty: Buffer.alloc(0), nothing: null },
  { ['__proto__']: Buffer.from('p') },
  { clé: Buffer.from('värde'), x: [Buffer.from('a'), null] },
];

/**
 * A record in kafkajs' own encoder, written field by field: kafkajs' record encoder cannot write a
 * null header value, which other clients can.
 */
function encodeRecord(record: ReturnType<typeof randomRecord>): KafkajsEncoder {
  const body = new Encoder()
    .writeInt8(0)
    .writeVarLong(record.timestampDelta)
    .writeVarInt(record.offsetDelta)
    .writeVarIntBytes(record.key)
    .writeVarIntBytes(record.value);
  const pairs = Object.entries(record.headers).flatMap(([key, value]) =>
    Array.isArray(value) ? value.map((one) => [key, one] as const) : [[key, value] as const],
  );
  body.writeVarInt(pairs.length);
  for (const [key, value] of pairs) body.writeVarIntString(key).writeVarIntBytes(value as Buffer | null);
  return new Encoder().writeVarInt(body.size()).writeEncoder(body);
}

function randomBytes(next: () => number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(next() * 256);
  return bytes;
}

/** A value for a record: half of them flows near the LANL shape, the rest null, empty or random bytes. */
export type ValueMaker = (next: () => number, offsetDelta: number) => Buffer | null;

const defaultValue: ValueMaker = (next, offsetDelta) => {
  const pick = next();
  if (pick < 0.1) return null;
  if (pick < 0.2) return Buffer.alloc(0);
  if (pick < 0.5) return randomBytes(next, Math.floor(next() * 300));
  return Buffer.from(`${offsetDelta},1,Comp1,Comp${offsetDelta % 7},6,Port1,80,1,1,1,1`);
};

function randomRecord(next: () => number, offsetDelta: number, makeValue: ValueMaker) {
  const keyPick = next();
  return {
    offsetDelta,
    timestampDelta: next() < 0.1 ? -Math.floor(next() * 1000) : Math.floor(next() * 2 ** (next() < 0.2 ? 52 : 12)),
    key: keyPick < 0.2 ? null : keyPick < 0.3 ? Buffer.from([0, 0, 0, 0]) : Buffer.from(`Comp${offsetDelta}`),
    value: makeValue(next, offsetDelta),
    headers: HEADER_SHAPES[Math.floor(next() * HEADER_SHAPES.length)] as Record<string, unknown>,
  };
}

/** One encoded batch at `firstOffset`, its attributes' extra bits set after the encoder wrote them. */
export async function batch(
  next: () => number,
  firstOffset: number,
  options: {
    count?: number;
    compression?: number;
    transactional?: boolean;
    bits?: number;
    value?: ValueMaker;
    /** Timestamps as decimal strings, for values a double cannot hold. */
    firstTimestamp?: string;
    maxTimestamp?: string;
  } = {},
) {
  const count = options.count ?? 1 + Math.floor(next() * 20);
  let delta = 0;
  const records = [];
  for (let i = 0; i < count; i++) {
    records.push(encodeRecord(randomRecord(next, delta, options.value ?? defaultValue)));
    // Gaps in the offsets, as compaction leaves them.
    delta += next() < 0.1 ? 2 + Math.floor(next() * 5) : 1;
  }
  const encoded = await RecordBatch({
    firstOffset: Long.fromValue(firstOffset),
    firstTimestamp: options.firstTimestamp ?? 1_700_000_000_000 + Math.floor(next() * 1e6),
    maxTimestamp: options.maxTimestamp ?? 1_800_000_000_000,
    lastOffsetDelta: delta - 1,
    compression: options.compression ?? 0,
    transactional: options.transactional ?? false,
    producerId: Long.fromValue(options.transactional ? 4242 : -1),
    records,
  });
  const bytes = Buffer.from(encoded.buffer);
  if (options.bits !== undefined) bytes.writeInt16BE(bytes.readInt16BE(ATTRIBUTES_AT) | options.bits, ATTRIBUTES_AT);
  return { bytes, next: firstOffset + delta };
}

export async function kafkajsRead(set: Buffer): Promise<ScannedRecord[]> {
  const messages = await decodeMessages(new Decoder(sized(set)));
  return messages.map((message) => ({
    offset: message.offset,
    // As the consumer reads it (Number()): beyond 2^53 the scanner's number and kafkajs' string differ in digits only.
    timestamp: String(Number(message.timestamp)),
    key: message.key,
    value: message.value,
    headers: message.headers,
    isControlRecord: message.isControlRecord,
    inTransaction: message.batchContext.inTransaction,
    producerId: message.batchContext.producerId,
  }));
}

/** The fetch response's record set: its size, then the batches. */
export function sized(set: Buffer): Buffer {
  const bytes = Buffer.alloc(4 + set.length);
  bytes.writeInt32BE(set.length, 0);
  set.copy(bytes, 4);
  return bytes;
}
