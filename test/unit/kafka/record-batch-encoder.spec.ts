// The record batch encoder checked against kafkajs itself: the same bytes as kafkajs' own encoder,
// read back by kafkajs' decoder, its CRC-32C as kafkajs computes it, cut at its exact size.
import { createRequire } from 'node:module';
import type { IHeaders, Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { flowMessage, rejectedLineMessage, rejectedMessage } from '../../../flow/index.ts';
import { crc32c } from '../../../kafka/crc32c.ts';
import { BATCH_HEADER_BYTES, RecordBatchEncoder, type SealFields } from '../../../kafka/record-batch-encoder.ts';
import { encodedBatch, kafkajsBatch } from '../../support/sealed-batches.ts';

const require = createRequire(import.meta.url);
const decodeRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js') as (decoder: unknown) => Promise<{
  firstSequence: number;
  producerId: string;
  producerEpoch: number;
  inTransaction: boolean;
  lastOffsetDelta: number;
  firstTimestamp: string;
  records: { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null; headers: IHeaders }[];
}>;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => unknown;
const kafkajsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (buffer: Buffer) => number;

const SEAL: SealFields = { producerId: 4711n, producerEpoch: 3, firstSequence: 123_456, transactional: false };
const TIME = 1_765_000_000_000;
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** Every header shape kafkajs sends: text, bytes, empty, repeated keys, non-ASCII. */
const SHAPES: Message[] = [
  {
    key: 'Comp1',
    value: Buffer.from('a,b,c'),
    headers: { source: 'flows.csv', line: '1', 'source-id': Buffer.from('f/1') },
  },
  { key: null, value: Buffer.alloc(0) },
  { key: '', value: '', headers: {} },
  { key: Buffer.from([0, 255, 7]), value: 'text value', headers: { empty: '', bytes: Buffer.alloc(0) } },
  { key: 'k', value: Buffer.from('v'), headers: { many: ['one', Buffer.from('two'), ''], after: 'x' } },
  { key: 'clé ünïcødé ✓', value: 'välue ✓', headers: { 'hé✓der': 'vâlue ✓' } },
  { key: 'x'.repeat(70), value: Buffer.alloc(200, 1), headers: { long: 'y'.repeat(9000) } },
  { key: 'z'.repeat(20_000), value: Buffer.alloc(70_000, 2) },
  flowMessage(['1', '2', '3', 'Comp9'], Buffer.from('1,2,3,Comp9\r'), Buffer.from('flows.csv'), 7, 'abc/1'),
  rejectedLineMessage(Buffer.from('not a flow'), 'flows.csv', 8, 'too few fields', 'abc/1', { fullLength: 99 }),
  rejectedMessage(
    { value: Buffer.from('?'), headers: { a: ['1', '2'] } },
    { topic: 't', partition: 2, offset: '9' },
    'bad',
  ),
];

const encoded = (messages: readonly Message[], seal: SealFields = SEAL) => encodedBatch(messages, seal, TIME);
/** kafkajs' own bytes for these messages as one batch sent at TIME. */
const kafkajsBytes = (messages: readonly Message[], seal: SealFields = SEAL) => kafkajsBatch(messages, seal, TIME);

function decoded(bytes: Buffer) {
  return decodeRecordBatch(new Decoder(bytes));
}

const asBuffer = (data: Buffer | string | null | undefined) =>
  data === null || data === undefined ? null : Buffer.isBuffer(data) ? data : Buffer.from(data);

describe('RecordBatchEncoder', () => {
  it('writes the very bytes kafkajs writes, for every header shape, key and value', async () => {
    for (const message of SHAPES) expect(encoded([message])).toEqual(await kafkajsBytes([message]));
    expect(encoded(SHAPES)).toEqual(await kafkajsBytes(SHAPES));
    const transactional = { ...SEAL, transactional: true, producerId: -1n, producerEpoch: 0, firstSequence: 0 };
    expect(encoded(SHAPES, transactional)).toEqual(await kafkajsBytes(SHAPES, transactional));
  });

  it('writes only the headers’ own keys, as kafkajs does, not keys their prototype lends', async () => {
    const headers = Object.assign(Object.create({ lent: 'by the prototype' }), { own: 'kept' });
    const message: Message = { key: 'k', value: 'v', headers };
    expect(encoded([message])).toEqual(await kafkajsBytes([message]));
  });

  it('is read back by kafkajs as the same messages, offsets and producer fields', async () => {
    const messages = Array.from({ length: 300 }, (_, i) => SHAPES[i % SHAPES.length] as Message);
    const batch = await decoded(encoded(messages));
    expect(batch).toMatchObject({ firstSequence: 123_456, producerId: '4711', producerEpoch: 3, inTransaction: false });
    expect(batch.lastOffsetDelta).toBe(299);
    expect(batch.records.map((record) => record.offset)).toEqual(messages.map((_, i) => String(i)));
    batch.records.forEach((record, i) => {
      const message = messages[i] as Message;
      expect(record.timestamp).toBe(String(TIME));
      expect(record.key).toEqual(asBuffer(message.key));
      expect(record.value).toEqual(asBuffer(message.value));
      const headers: IHeaders = {};
      for (const [key, value] of Object.entries(message.headers ?? {})) {
        headers[key] = Array.isArray(value) ? value.map((one) => asBuffer(one) as Buffer) : (asBuffer(value) as Buffer);
      }
      expect(record.headers).toEqual(headers);
    });
  });

  it('writes a null header value as -1, which kafkajs reads back as null', async () => {
    const batch = await decoded(encoded([{ key: 'k', value: 'v', headers: { gone: null as unknown as string } }]));
    expect(batch.records[0]?.headers).toEqual({ gone: null });
  });

  it('checksums the batch with the CRC-32C kafkajs computes', () => {
    const bytes = encoded(SHAPES);
    expect(bytes.readUInt32BE(17)).toBe(kafkajsCrc32C(bytes.subarray(21)));
    for (const length of [0, 1, 7, 8, 9, 15, 16, 17, 1000, 65_537]) {
      const random = Buffer.from(Array.from({ length }, (_, i) => (i * 7919 + length) & 0xff));
      expect(crc32c(random)).toBe(kafkajsCrc32C(random));
    }
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('cuts the batch at its exact size: what it holds fits the budget, the next record would not', () => {
    const message = SHAPES[0] as Message;
    // Every budget over a span of several records, so that some fall within any record's last bytes.
    for (const budget of [...Array.from({ length: 400 }, (_, i) => 100 + i), 16_384]) {
      const encoder = new RecordBatchEncoder(64);
      let added = 0;
      while (encoder.add(message, budget)) added++;
      const next = encoder.nextRecordBytes(message);
      const bytes = encoder.seal(SEAL, TIME);
      expect(bytes.length - BATCH_HEADER_BYTES).toBeLessThanOrEqual(budget);
      expect(bytes.length - BATCH_HEADER_BYTES + next).toBeGreaterThan(budget);
      expect(encoder.recordCount).toBe(added);
    }
  });

  it('refuses a record that alone exceeds the budget, writing nothing', () => {
    const encoder = new RecordBatchEncoder(64);
    expect(encoder.add(SHAPES[7] as Message, 50_000)).toBe(false);
    expect(encoder.size).toBe(BATCH_HEADER_BYTES);
    expect(encoder.nextRecordBytes(SHAPES[7] as Message)).toBeGreaterThan(50_000);
  });

  it('after reset encodes the next batch as a fresh encoder would', () => {
    const encoder = new RecordBatchEncoder(64);
    for (const message of SHAPES) encoder.add(message, NO_LIMIT);
    encoder.seal(SEAL, TIME);
    encoder.reset();
    for (const message of SHAPES.slice(0, 3)) encoder.add(message, NO_LIMIT);
    expect(Buffer.from(encoder.seal(SEAL, TIME))).toEqual(encoded(SHAPES.slice(0, 3)));
  });

  it('refuses to seal an empty batch or one to be compressed', () => {
    expect(() => new RecordBatchEncoder().seal(SEAL)).toThrow(/empty/);
    const encoder = new RecordBatchEncoder();
    encoder.add(SHAPES[0] as Message, NO_LIMIT);
    expect(() => encoder.seal({ ...SEAL, compression: 1 })).toThrow(/uncompressed/);
  });
});
