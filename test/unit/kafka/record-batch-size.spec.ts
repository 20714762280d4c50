// Cutting a partition's messages into record batches under the topic's limit, checked against the bytes
// kafkajs really encodes; and dead letters that always fit in one.
import { createRequire } from 'node:module';
import type { IHeaders, Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  deadLetterBounds,
  flowMessage,
  Header,
  headerText,
  rejectedLineMessage,
  rejectedMessage,
} from '../../../flow/index.ts';
import {
  MAX_RECORD_BATCH_BYTES,
  RECORD_BATCH_HEADER_BYTES,
  recordBatchBudget,
  recordBytes,
  splitRecordBatches,
} from '../../../kafka/record-batch-size.ts';
import { ErrorCode, isFlowwatchError } from '../../../runtime/index.ts';

const require = createRequire(import.meta.url);
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: {
  offsetDelta: number;
  timestampDelta: number;
  key?: Message['key'];
  value: Message['value'];
  headers?: IHeaders;
}) => unknown;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (options: { records: unknown[]; lastOffsetDelta: number }) => Promise<{ buffer: Buffer }>;
};

/** The bytes kafkajs writes for these messages as one record batch (timestamps a minute apart at most). */
async function encodedBatchBytes(messages: readonly Message[]): Promise<number> {
  const records = messages.map((message, i) =>
    encodeRecord({ ...message, offsetDelta: i, timestampDelta: i % 2 === 0 ? 60_000 : 0 }),
  );
  const batch = await RecordBatch({ records, lastOffsetDelta: records.length - 1 });
  return batch.buffer.length;
}

const flow = (line: number): Message => ({
  key: `Comp${line % 97}`,
  value: Buffer.from(`118781,49,Comp300446,Comp${line % 97},6,Port48559,80,10,35,13910,28490`),
  headers: { source: 'sample-flows.csv.gz', line: String(line), 'source-id': '0123456789abcdef/1' },
});

describe('splitRecordBatches', () => {
  it('keeps every batch kafkajs encodes under the limit, in order, with nothing lost', async () => {
    const messages = Array.from({ length: 20_000 }, (_, i) => flow(i + 1));
    for (const limit of [16 * 1024, 100_000, 1_048_588]) {
      const batches = splitRecordBatches(messages, limit, 'flows');
      expect(batches.flat()).toEqual(messages);
      for (const batch of batches) expect(await encodedBatchBytes(batch)).toBeLessThanOrEqual(limit);
      // Not cut needlessly: each batch but the last is full, the next message would not have fitted.
      for (let i = 0; i < batches.length - 1; i++) {
        const used = (batches[i] as Message[]).reduce((sum, m) => sum + recordBytes(m), 0);
        expect(used + recordBytes((batches[i + 1] as Message[])[0] as Message)).toBeGreaterThan(
          recordBatchBudget(limit),
        );
      }
    }
  });

  it('bounds each record from above, whatever its key, value and headers', async () => {
    const odd: Message[] = [
      { key: null, value: null },
      { value: Buffer.alloc(0) },
      { key: 'é'.repeat(300), value: 'ü'.repeat(70_000), headers: { many: ['a', Buffer.alloc(200)], one: 'x' } },
      { value: Buffer.alloc(16_384), headers: { [Header.reason]: 'r'.repeat(129) } },
    ];
    for (const message of odd) {
      expect(await encodedBatchBytes([message])).toBeLessThanOrEqual(RECORD_BATCH_HEADER_BYTES + recordBytes(message));
    }
  });

  it('sizes flow messages as the producer builds them, and headers with several or no values, within a few bytes', async () => {
    const fields = '118781,49,Comp300446,Comp9,6,Port48559,80,10,35,13910,28490'.split(',');
    const messages: Message[] = [
      flowMessage(fields, Buffer.from(fields.join(',')), Buffer.from('sample.csv'), 123_456, Buffer.from('f/1')),
      flowMessage(fields, Buffer.from(`${fields.join(',')}\r`), 'é.csv', 1, '0123456789abcdef/12'),
      { key: 'k', value: 'v', headers: { three: ['a', Buffer.from('bb'), 'ccc'], none: [], one: 'x' } },
    ];
    for (const message of messages) {
      const encoded = (await encodedBatchBytes([message])) - RECORD_BATCH_HEADER_BYTES;
      expect(encoded).toBeLessThanOrEqual(recordBytes(message));
      // Only the timestamp and offset deltas are estimated from above.
      expect(recordBytes(message) - encoded).toBeLessThanOrEqual(16);
    }
  });

  it('sends no record batch above 1 MiB, even where the topic accepts more', () => {
    const messages = Array.from({ length: 20_000 }, (_, i) => flow(i + 1));
    const batches = splitRecordBatches(messages, 64 * 1024 * 1024, 'flows');
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      expect(batch.reduce((sum, m) => sum + recordBytes(m), 0)).toBeLessThanOrEqual(MAX_RECORD_BATCH_BYTES);
    }
  });

  it('gives nothing for nothing, and one batch for a few messages', () => {
    expect(splitRecordBatches([], 1_048_588, 'flows')).toEqual([]);
    expect(splitRecordBatches([flow(1), flow(2)], 1_048_588, 'flows')).toHaveLength(1);
  });

  it('refuses, in one sentence, a topic whose limit is smaller than one message', () => {
    let thrown: unknown;
    try {
      splitRecordBatches([{ value: Buffer.alloc(5000) }], 4096, 'tiny');
    } catch (error) {
      thrown = error;
    }
    expect(isFlowwatchError(thrown, ErrorCode.KAFKA_TOPIC_LAYOUT)).toBe(true);
    expect((thrown as Error).message).toMatch(/topic tiny, which accepts at most 4096 bytes \(max\.message\.bytes\)/);
  });
});

describe('dead letters always fit in a record batch of their topic', () => {
  const huge = Buffer.alloc(3 * 1024 * 1024, 0x7e);
  const bigHeaders: IHeaders = { blob: Buffer.alloc(20_000), note: 'n' };

  it('cuts a foreign message to 64 KiB, says its full length, and leaves out headers too large to copy', () => {
    const letter = rejectedMessage(
      { value: huge, headers: bigHeaders },
      { topic: 'flows', partition: 3, offset: '17' },
      'expected 11 fields',
      deadLetterBounds(1_048_588, 'flows', ''),
    );
    expect(letter.value).toHaveLength(64 * 1024);
    expect(headerText(letter.headers, Header.fullLength)).toBe(String(huge.length));
    expect(headerText(letter.headers, Header.droppedHeaders)).toBe('2');
    expect(letter.headers?.blob).toBeUndefined();
    expect(headerText(letter.headers, Header.offset)).toBe('17');
  });

  it('copies a small foreign message whole, with its headers, and no full-length header', () => {
    const letter = rejectedMessage(
      { value: Buffer.from('not a flow'), headers: { origin: 'other-app' } },
      { topic: 'flows', partition: 0, offset: '0' },
      'expected 11 fields',
    );
    expect(letter.value?.toString()).toBe('not a flow');
    expect(headerText(letter.headers, 'origin')).toBe('other-app');
    expect(letter.headers?.[Header.fullLength]).toBeUndefined();
    expect(letter.headers?.[Header.droppedHeaders]).toBeUndefined();
  });

  it('keeps the head of an over-long line with the whole line length', () => {
    const head = Buffer.alloc(4096, 0x43);
    const letter = rejectedLineMessage(head, 'f.csv', 9, 'line longer than 4096 bytes', 'id/1', { fullLength: 9000 });
    expect(letter.value).toEqual(head);
    expect(headerText(letter.headers, Header.fullLength)).toBe('9000');
  });

  it('fits whatever the limit, from 4 KiB up', () => {
    for (const limit of [4096, 10_000, 65_536, 300_000, 1_048_588, 10 * 1024 * 1024]) {
      const bounds = deadLetterBounds(limit, 't'.repeat(249), 'f/1');
      const letters = [
        rejectedMessage(
          { value: huge, headers: bigHeaders },
          { topic: 't'.repeat(249), partition: 9, offset: '1' },
          'x',
          bounds,
        ),
        rejectedMessage(
          { value: huge, headers: { small: 's'.repeat(200) } },
          { topic: 'flows', partition: 0, offset: '2' },
          'x',
          bounds,
        ),
        rejectedLineMessage(
          Buffer.alloc(4096),
          'a-long-file-name.csv',
          1,
          'line longer than 4096 bytes (5000 bytes)',
          'f/1',
          {
            fullLength: 5000,
            bounds,
          },
        ),
      ];
      for (const letter of letters) expect(splitRecordBatches([letter], limit, 'flows.invalid')).toHaveLength(1);
    }
  });
});
