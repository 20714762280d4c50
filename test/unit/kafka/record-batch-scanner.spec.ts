import { describe, expect, it } from 'vitest';
import * as scanner from '../../../kafka/record-batch-scanner.ts';
import {
  batch,
  CONTROL,
  GZIP,
  kafkajsRead,
  LOG_APPEND_TIME,
  random,
  type ScannedRecord,
} from '../../support/record-batches.ts';

async function scannerRead(set: Buffer): Promise<ScannedRecord[]> {
  const records: ScannedRecord[] = [];
  await scanner.scanRecordBatches(set, scanner.emptyRecordView(), (view: scanner.RecordView) => {
    records.push({
      offset: String(view.offset),
      timestamp: String(view.timestamp),
      key: view.keyStart === -1 ? null : view.bytes.subarray(view.keyStart, view.keyEnd),
      value: scanner.recordValue(view),
      headers: scanner.recordHeaders(view),
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

  it('reads timestamps beyond 2^53 as Number() reads kafkajs’ strings of them', async () => {
    const next = random(8);
    const parts: Buffer[] = [];
    let offset = 0;
    for (const firstTimestamp of ['4611686018427387903', '-9007199254740993', '9223372036854775807']) {
      const made = await batch(next, offset, { firstTimestamp, count: 20 });
      parts.push(made.bytes);
      offset = made.next;
    }
    const appended = await batch(next, offset, { bits: LOG_APPEND_TIME, maxTimestamp: '9223372036854775807' });
    parts.push(appended.bytes);
    const scanned = await agree(Buffer.concat(parts));
    expect(scanned.some((record) => !Number.isSafeInteger(Number(record.timestamp)))).toBe(true);
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
    expect(scanner.isRecordBatchSet(made.bytes)).toBe(true);
    const legacy = Buffer.from(made.bytes);
    legacy.writeInt8(1, 16);
    expect(scanner.isRecordBatchSet(legacy)).toBe(false);
  });

  it('refuses an offset beyond 2^53 rather than round it', async () => {
    const made = await batch(random(7), 2 ** 53 + 2);
    await expect(scannerRead(made.bytes)).rejects.toThrow(RangeError);
  });
});
