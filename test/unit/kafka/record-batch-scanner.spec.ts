import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  emptyRecordView,
  isRecordBatchSet,
  type RecordView,
  recordHeaders,
  recordValue,
  scanRecordBatches,
} from '../../../kafka/record-batch-scanner.ts';

const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch: (batch: object) => Promise<{ buffer: Buffer }>;
};
const Encoder = require('kafkajs/src/protocol/encoder') as new () => KafkajsEncoder;
const decodeMessages = require('kafkajs/src/protocol/requests/fetch/v4/decodeMessages') as (
  decoder: unknown,
) => Promise<KafkajsMessage[]>;
const Decoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;
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

interface KafkajsMessage {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, unknown>;
  isControlRecord: boolean;
  batchContext: { inTransaction: boolean; producerId: string };
}

interface ScannedRecord {
  offset: string;
  timestamp: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, unknown>;
  isControlRecord: boolean;
  inTransaction: boolean;
  producerId: string;
}

const GZIP = 1;
const ATTRIBUTES_AT = 21;
const LOG_APPEND_TIME = 0x08;
const CONTROL = 0x20;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

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

function randomRecord(next: () => number, offsetDelta: number) {
  const keyPick = next();
  const valuePick = next();
  return {
    offsetDelta,
    timestampDelta: next() < 0.1 ? -Math.floor(next() * 1000) : Math.floor(next() * 2 ** (next() < 0.2 ? 52 : 12)),
    key: keyPick < 0.2 ? null : keyPick < 0.3 ? Buffer.from([0, 0, 0, 0]) : Buffer.from(`Comp${offsetDelta}`),
    value:
      valuePick < 0.1
        ? null
        : valuePick < 0.2
          ? Buffer.alloc(0)
          : valuePick < 0.5
            ? randomBytes(next, Math.floor(next() * 300))
            : Buffer.from(`${offsetDelta},1,Comp1,Comp${offsetDelta % 7},6,Port1,80,1,1,1,1`),
    headers: HEADER_SHAPES[Math.floor(next() * HEADER_SHAPES.length)] as Record<string, unknown>,
  };
}

/** One encoded batch at `firstOffset`, its attributes' extra bits set after the encoder wrote them. */
async function batch(
  next: () => number,
  firstOffset: number,
  options: { count?: number; compression?: number; transactional?: boolean; bits?: number } = {},
) {
  const count = options.count ?? 1 + Math.floor(next() * 20);
  let delta = 0;
  const records = [];
  for (let i = 0; i < count; i++) {
    records.push(encodeRecord(randomRecord(next, delta)));
    // Gaps in the offsets, as compaction leaves them.
    delta += next() < 0.1 ? 2 + Math.floor(next() * 5) : 1;
  }
  const encoded = await RecordBatch({
    firstOffset: Long.fromValue(firstOffset),
    firstTimestamp: 1_700_000_000_000 + Math.floor(next() * 1e6),
    maxTimestamp: 1_800_000_000_000,
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

async function kafkajsRead(set: Buffer): Promise<ScannedRecord[]> {
  const sized = Buffer.alloc(4 + set.length);
  sized.writeInt32BE(set.length, 0);
  set.copy(sized, 4);
  const messages = await decodeMessages(new Decoder(sized));
  return messages.map((message) => ({
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key,
    value: message.value,
    headers: message.headers,
    isControlRecord: message.isControlRecord,
    inTransaction: message.batchContext.inTransaction,
    producerId: message.batchContext.producerId,
  }));
}

async function scannerRead(set: Buffer): Promise<ScannedRecord[]> {
  const records: ScannedRecord[] = [];
  await scanRecordBatches(set, emptyRecordView(), (view: RecordView) => {
    records.push({
      offset: String(view.offset),
      timestamp: String(view.timestamp),
      key: view.keyStart === -1 ? null : view.bytes.subarray(view.keyStart, view.keyEnd),
      value: recordValue(view),
      headers: recordHeaders(view),
      isControlRecord: view.control,
      inTransaction: view.transactional,
      producerId: String(view.producerId),
    });
  });
  return records;
}

async function agree(set: Buffer): Promise<ScannedRecord[]> {
  const expected = await kafkajsRead(set);
  const scanned = await scannerRead(set);
  expect(scanned).toEqual(expected);
  // toEqual passes over a __proto__ key: compare the own keys too.
  expect(scanned.map((record) => Object.keys(record.headers))).toEqual(expected.map((r) => Object.keys(r.headers)));
  return scanned;
}

describe('scanRecordBatches against kafkajs decoding the same bytes', () => {
  it('reads plain batches: offsets with gaps, timestamps, keys, values, every header shape', async () => {
    const next = random(1);
    for (let round = 0; round < 50; round++) {
      const parts: Buffer[] = [];
      let offset = Math.floor(next() * 2 ** 40);
      for (let i = 0; i < 1 + Math.floor(next() * 4); i++) {
        const made = await batch(next, offset);
        parts.push(made.bytes);
        offset = made.next;
      }
      const scanned = await agree(Buffer.concat(parts));
      expect(scanned.length).toBeGreaterThan(0);
    }
  });

  it('reads gzip batches through kafkajs codec, between plain ones', async () => {
    const next = random(2);
    const first = await batch(next, 100);
    const zipped = await batch(next, first.next, { compression: GZIP, count: 30 });
    const last = await batch(next, zipped.next);
    const scanned = await agree(Buffer.concat([first.bytes, zipped.bytes, last.bytes]));
    expect(scanned.length).toBeGreaterThan(30);
  });

  it('marks control records and transactional batches with their producer, as kafkajs does', async () => {
    const next = random(3);
    const open = await batch(next, 0, { transactional: true });
    const marker = await batch(next, open.next, { transactional: true, count: 1, bits: CONTROL });
    const scanned = await agree(Buffer.concat([open.bytes, marker.bytes]));
    expect(scanned.at(-1)?.isControlRecord).toBe(true);
    expect(scanned[0]?.inTransaction).toBe(true);
    expect(scanned[0]?.producerId).toBe('4242');
  });

  it('gives every record the batch maximum under log append time', async () => {
    const next = random(4);
    const scanned = await agree((await batch(next, 7, { bits: LOG_APPEND_TIME, count: 5 })).bytes);
    expect(new Set(scanned.map((record) => record.timestamp))).toEqual(new Set(['1800000000000']));
  });

  it('stops at a batch cut short by the fetch size, as kafkajs does', async () => {
    const next = random(5);
    const whole = await batch(next, 0, { count: 10 });
    const cut = await batch(next, whole.next, { count: 10 });
    for (const keep of [1, 12, 49, 61, cut.bytes.length - 1]) {
      const scanned = await agree(Buffer.concat([whole.bytes, cut.bytes.subarray(0, keep)]));
      expect(scanned).toHaveLength(10);
    }
  });

  it('tells record batches from the legacy message set by the magic byte', async () => {
    const made = await batch(random(6), 0);
    expect(isRecordBatchSet(made.bytes)).toBe(true);
    const legacy = Buffer.from(made.bytes);
    legacy.writeInt8(1, 16);
    expect(isRecordBatchSet(legacy)).toBe(false);
  });

  it('refuses an offset beyond 2^53 rather than round it', async () => {
    const made = await batch(random(7), 2 ** 53 + 2);
    await expect(scannerRead(made.bytes)).rejects.toThrow(RangeError);
  });
});
