import { createRequire } from 'node:module';
import type { Batch } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { tallyFlows } from '../../../consumer/batch-tally.ts';
import { tallyBatch, tallyRecordBytes } from '../../../consumer/scanned-tally.ts';
import { keepRecordBytes } from '../../../kafka/index.ts';
import { ErrorCode, isFlowwatchError } from '../../../runtime/index.ts';
import { nearFlow } from '../../support/flow-values.ts';
import { batch, Decoder, decodeMessages, GZIP, kafkajsRead, random, sized } from '../../support/record-batches.ts';

const require = createRequire(import.meta.url);
type BatchClass = new (topic: string, fetchedOffset: string, partitionData: object) => Batch;
const KafkajsBatch = require('kafkajs/src/consumer/batch') as BatchClass;
const RawBatch = require('kafkajs/src/consumer/rawBatch') as BatchClass;

const MAX_EVENT_TIME = 2 ** 32 - 1;

/** Values as a flow topic may hold them: mostly flows near the LANL shape, some anything at all. */
const flowValue = (next: () => number) => (next() < 0.05 ? null : nearFlow(next));

async function flowSet(seed: number, batches: number): Promise<{ set: Buffer; first: number; next: number }> {
  const next = random(seed);
  const parts: Buffer[] = [];
  const first = Math.floor(next() * 1e9);
  let offset = first;
  for (let i = 0; i < batches; i++) {
    const made = await batch(next, offset, { count: 1 + Math.floor(next() * 200), value: flowValue });
    parts.push(made.bytes);
    offset = made.next;
  }
  return { set: Buffer.concat(parts), first, next: offset };
}

describe('tallyRecordBytes against tallyFlows over kafkajs’ messages of the same bytes', () => {
  it('agrees on 40 generated record sets, from every kind of starting offset', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const { set, first, next } = await flowSet(seed, 1 + (seed % 5));
      const messages = await kafkajsRead(set);
      for (const from of [first, first + 1 + (seed % 50), next - 1, next]) {
        const expected = tallyFlows(messages, from, seed % 3 === 0 ? 100_000 : MAX_EVENT_TIME);
        const scanned = await tallyRecordBytes(set, from, seed % 3 === 0 ? 100_000 : MAX_EVENT_TIME);
        expect(scanned.tally).toEqual(expected);
        expect(scanned.timestamps).toEqual(
          messages.filter((message) => Number(message.offset) >= from).map((message) => Number(message.timestamp)),
        );
      }
    }
  });

  it('agrees on a gzip batch, decompressed with kafkajs’ codec', async () => {
    const next = random(99);
    const { bytes } = await batch(next, 10, { compression: GZIP, count: 300, value: flowValue });
    expect((await tallyRecordBytes(bytes, 10, MAX_EVENT_TIME)).tally).toEqual(
      tallyFlows(await kafkajsRead(bytes), 10, MAX_EVENT_TIME),
    );
  });
});

describe('tallyBatch', () => {
  it('tallies a batch kafkajs kept as bytes as it tallies the same batch decoded', async () => {
    const { set, first } = await flowSet(7, 4);
    const partition = { partition: 0, highWatermark: String(first + 10_000) };
    const decoded = new KafkajsBatch('flows', String(first + 3), { ...partition, messages: await kafkajsRead(set) });
    const release = keepRecordBytes('flows');
    const raw = await decodeMessages(new Decoder(sized(set)), 'flows');
    release();
    const kept = new RawBatch('flows', String(first + 3), { ...partition, messages: raw });
    const from = Number(decoded.firstOffset()) + 2;
    expect(await tallyBatch(kept, from, 'flows-dead-letters', MAX_EVENT_TIME)).toEqual(
      await tallyBatch(decoded, from, 'flows-dead-letters', MAX_EVENT_TIME),
    );
  });
});

describe('tallyBatch on a batch whose figures disagree with its bytes', () => {
  async function keptBatch(): Promise<{ kept: Batch & { withinOffset: Float64Array }; from: number }> {
    const { set, first } = await flowSet(11, 3);
    const release = keepRecordBytes('flows');
    const raw = await decodeMessages(new Decoder(sized(set)), 'flows');
    release();
    const partition = { partition: 0, highWatermark: String(first + 10_000) };
    const kept = new RawBatch('flows', String(first), { ...partition, messages: raw }) as Batch & {
      withinOffset: Float64Array;
    };
    return { kept, from: first + 1 };
  }

  const misread = (error: unknown) => isFlowwatchError(error, ErrorCode.RECORDS_MISREAD) && !error.retriable;

  it('refuses to tally when the batch’s last offset is not the last record scanned', async () => {
    const { kept, from } = await keptBatch();
    const last = Number(kept.lastOffset());
    kept.lastOffset = () => String(last + 1);
    await expect(tallyBatch(kept, from, 'flows-dead-letters', MAX_EVENT_TIME)).rejects.toSatisfy(misread);
  });

  it('refuses to tally when the batch holds fewer records than its bytes', async () => {
    const { kept, from } = await keptBatch();
    kept.withinOffset = kept.withinOffset.subarray(0, kept.withinOffset.length - 2);
    kept.lastOffset = () => String(kept.withinOffset[kept.withinOffset.length - 1]);
    await expect(tallyBatch(kept, from, 'flows-dead-letters', MAX_EVENT_TIME)).rejects.toSatisfy(misread);
  });
});
