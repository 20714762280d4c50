import { createRequire } from 'node:module';
import type { Batch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { keepRecordBytes, keptRecordBytes } from '../../../kafka/index.ts';
import { batch, CONTROL, Decoder, decodeMessages, GZIP, random, sized } from '../../support/record-batches.ts';

const require = createRequire(import.meta.url);
type BatchClass = new (topic: string, fetchedOffset: string, partitionData: object) => Batch & Record<string, unknown>;
const KafkajsBatch = require('kafkajs/src/consumer/batch') as BatchClass;
const RawBatch = require('kafkajs/src/consumer/rawBatch') as BatchClass;

const TOPIC = 'flows';

/** The record set read by kafkajs as the fetch response's partition would be, for `topic`. */
async function fetched(set: Buffer, topic = TOPIC) {
  return decodeMessages(new Decoder(sized(set)), topic) as Promise<unknown>;
}

/** Everything the runner and the consumer ask of a batch. */
function answers(of: Batch & Record<string, unknown>) {
  const call = (name: string) => (of[name] as () => unknown).call(of);
  return {
    messages: of.messages,
    ...Object.fromEntries(
      [
        'isEmpty',
        'isEmptyIncludingFiltered',
        'isEmptyDueToFiltering',
        'isEmptyControlRecord',
        'isEmptyDueToLogCompactedMessages',
        'firstOffset',
        'lastOffset',
        'offsetLag',
        'offsetLagLow',
        'messageCount',
        'lastMessageOffset',
      ].map((name) => [name, call(name)]),
    ),
  };
}

describe('kafkajs keeping a topic’s record sets as bytes (keepRecordBytes)', () => {
  it('is off by default and for every topic not kept', async () => {
    const { bytes } = await batch(random(1), 0);
    expect(Array.isArray(await fetched(bytes))).toBe(true);
    const release = keepRecordBytes('other');
    try {
      expect(Array.isArray(await fetched(bytes))).toBe(true);
    } finally {
      release();
    }
  });

  it('keeps plain record sets, and decodes as before any with a compressed, transactional or control batch', async () => {
    const next = random(2);
    const plain = await batch(next, 0);
    const release = keepRecordBytes(TOPIC);
    try {
      expect((await fetched(plain.bytes)) as { rawRecordSet?: boolean }).toHaveProperty('rawRecordSet', true);
      for (const other of [
        await batch(next, plain.next, { compression: GZIP }),
        await batch(next, plain.next, { transactional: true }),
        await batch(next, plain.next, { transactional: true, count: 1, bits: CONTROL }),
      ]) {
        expect(Array.isArray(await fetched(Buffer.concat([plain.bytes, other.bytes])))).toBe(true);
      }
    } finally {
      release();
    }
    expect(Array.isArray(await fetched(plain.bytes))).toBe(true);
  });

  it('answers as kafkajs’ Batch does, messages and all, at every fetched offset', async () => {
    const next = random(3);
    const parts: Buffer[] = [];
    let offset = 1000;
    for (let i = 0; i < 4; i++) {
      const made = await batch(next, offset);
      parts.push(made.bytes);
      offset = made.next + (i === 1 ? 5 : 0);
    }
    const whole = Buffer.concat(parts);
    // A batch cut short at the end, as a fetch's size limit leaves it.
    const set = Buffer.concat([whole, (await batch(next, offset)).bytes.subarray(0, 70)]);
    const decoded = await fetched(set, 'not kept');
    const release = keepRecordBytes(TOPIC);
    const raw = await fetched(set);
    release();
    for (const fetchedOffset of [0, 1000, 1001, 1010, offset - 1, offset, offset + 10]) {
      for (const highWatermark of [String(offset), String(offset + 100)]) {
        const expected = new KafkajsBatch(TOPIC, String(fetchedOffset), {
          partition: 3,
          highWatermark,
          messages: decoded,
        });
        const kept = new RawBatch(TOPIC, String(fetchedOffset), { partition: 3, highWatermark, messages: raw });
        expect(answers(kept)).toEqual(answers(expected));
        expect(keptRecordBytes(kept)).toEqual(whole);
        expect(keptRecordBytes(expected)).toBeUndefined();
      }
    }
  });

  it('keeps a topic until every holder released it, releasing twice counting once', async () => {
    const { bytes } = await batch(random(4), 0);
    const first = keepRecordBytes(TOPIC);
    const second = keepRecordBytes(TOPIC);
    first();
    first();
    expect(Array.isArray(await fetched(bytes))).toBe(false);
    second();
    expect(Array.isArray(await fetched(bytes))).toBe(true);
  });
});
