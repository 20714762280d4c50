// One record batch two ways, for tests that compare them byte for byte: as flowwatch's encoder writes
// and seals it, and as kafkajs' own record and batch encoders write the same messages.
import { createRequire } from 'node:module';
import type { Message } from 'kafkajs';
import { expect } from 'vitest';
import { type Encodable, RecordBatchEncoder } from '../../kafka/index.ts';
import type { SealFields } from '../../kafka/record-batch-encoder.ts';

const require = createRequire(import.meta.url);
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: object) => unknown;
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (options: object) => Promise<{ buffer: Buffer }>;
};
const Long = require('kafkajs/src/utils/long.js') as { fromValue: (value: bigint) => unknown };

/** Room for any record: the tests that use these helpers do not test cutting. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/** flowwatch's bytes: every record added to one encoder, sealed with `seal` at `time`. */
export function encodedBatch(records: readonly Encodable[], seal: SealFields, time: number): Buffer {
  const encoder = new RecordBatchEncoder(64);
  for (const record of records) expect(encoder.add(record, NO_LIMIT)).toBe(true);
  return Buffer.from(encoder.seal(seal, time));
}

/** kafkajs' own bytes for these messages as one batch sent at `time`. */
export async function kafkajsBatch(messages: readonly Message[], seal: SealFields, time: number): Promise<Buffer> {
  const records = messages.map((message, i) => encodeRecord({ ...message, offsetDelta: i, timestampDelta: 0 }));
  const batch = await RecordBatch({
    records,
    firstTimestamp: time,
    maxTimestamp: time,
    producerId: Long.fromValue(seal.producerId),
    producerEpoch: seal.producerEpoch,
    firstSequence: seal.firstSequence,
    transactional: seal.transactional,
    lastOffsetDelta: records.length - 1,
  });
  return batch.buffer;
}
