// The speed of kafkajs as patched by patches/kafkajs+2.2.4.patch, which kafkajs-codec.spec.ts cannot
// see (it checks the bytes, which are the same either way): a send grouped and a record's headers
// gathered with memory linear in their size, encoder buffers taken unzeroed from Node's shared pool,
// varints written with no buffer of their own, and a produce request of record batches flowwatch
// encoded written once, into the buffer sent. Without the patch each of these tests fails.
import { createRequire } from 'node:module';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordBatchEncoder } from '../../../kafka/record-batch-encoder.ts';

interface Encoder {
  writeVarInt(value: number): Encoder;
  writeUVarInt(value: number): Encoder;
  writeVarIntString(value: string): Encoder;
  readonly buf: Buffer;
  readonly buffer: Buffer;
}
interface Decoder {
  readVarInt(): number;
}
const require = createRequire(import.meta.url);
const Encoder = require('kafkajs/src/protocol/encoder.js') as new (initialSize?: number) => Encoder;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => Decoder;
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: {
  offsetDelta: number;
  key: string;
  value: string;
  headers: Record<string, string>;
}) => Encoder;
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js') as (
  decoder: Decoder,
  batchContext: { firstOffset: string; firstTimestamp: string },
) => { headers: Record<string, Buffer> };
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (options: {
  topic: string;
  partitionMetadata: unknown[];
  messages: { key: string }[];
  partitioner: () => number;
}) => Record<string, { key: string }[]>;
const produceRequest = require('kafkajs/src/protocol/requests/produce/v7/request.js') as (options: object) => object;
const frameRequest = require('kafkajs/src/protocol/request.js') as (options: {
  correlationId: number;
  clientId: string;
  request: object;
}) => Promise<{ buffer: Buffer }>;

/**
 * The most a call may allocate. The linear work needs about 1 MB; a collection during the call also
 * counts the young garbage already there (at most the young generation, some tens of MB). Copying a
 * list or an object for each element, as unpatched kafkajs does, allocates over 600 MB here.
 */
const MOST_BYTES = 128 * 1024 * 1024;

/**
 * Bytes the heap took for `run`: what it holds afterwards more than before, plus what each collection
 * during it freed. Memory, unlike time, does not depend on how busy the machine is. The least of three
 * calls, the one least inflated by garbage from before it.
 */
function allocatedBytes(run: () => void): number {
  let least = Number.POSITIVE_INFINITY;
  for (let call = 0; call < 3; call++) {
    const profiler = new GCProfiler();
    const before = getHeapStatistics().used_heap_size;
    profiler.start();
    run();
    const after = getHeapStatistics().used_heap_size;
    const collections = profiler.stop()?.statistics ?? [];
    const freed = collections.reduce(
      (sum, gc) => sum + gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize,
      0,
    );
    least = Math.min(least, after - before + freed);
  }
  return least;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('kafkajs as patched for speed', () => {
  it('groups a send by partition in one pass, copying no list for each message', () => {
    const messages = Array.from({ length: 10_000 }, (_, i) => ({ key: `m${i}` }));
    // One partition: the one whose list an unpatched grouping copies for every message.
    let grouped: Record<string, { key: string }[]> = {};
    const bytes = allocatedBytes(() => {
      grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata: [{}], messages, partitioner: () => 0 });
    });
    expect(grouped[0]).toHaveLength(messages.length);
    expect(bytes).toBeLessThan(MOST_BYTES);
  });

  it("gathers a record's headers into one object, copying none for each header", () => {
    const headers = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`h${i}`, 'v']));
    const encoded = encodeRecord({ offsetDelta: 0, key: 'k', value: 'v', headers }).buffer;
    let decoded: Record<string, Buffer> = {};
    const bytes = allocatedBytes(() => {
      const decoder = new Decoder(encoded);
      decoder.readVarInt(); // the record's length
      decoded = decodeRecord(decoder, { firstOffset: '0', firstTimestamp: '0' }).headers;
    });
    expect(Object.keys(decoded)).toHaveLength(2000);
    expect(bytes).toBeLessThan(MOST_BYTES);
  });

  it("takes a small encoder's buffer, first and grown, from Node's shared pool, unzeroed", () => {
    const encoder = new Encoder(8);
    // Buffer.alloc gives each buffer memory of its own; only Buffer.allocUnsafe slices the pool.
    expect(encoder.buf.buffer.byteLength).toBe(Buffer.poolSize);
    encoder.writeVarIntString('a string longer than the eight bytes the encoder started with');
    expect(encoder.buf.length).toBeGreaterThan(8);
    expect(encoder.buf.buffer.byteLength).toBe(Buffer.poolSize);
  });

  it('writes varints straight into its buffer, making no buffer for each', () => {
    const encoder = new Encoder(4096);
    const made = vi.spyOn(Buffer, 'from');
    for (let value = 0; value < 1000; value++) encoder.writeVarInt(value * 997).writeUVarInt(value * 7919);
    expect(made).not.toHaveBeenCalled();
    expect(encoder.buffer.length).toBeGreaterThan(2000);
  });

  it('writes a produce request of encoded record batches into the buffer it sends, copying each batch once', async () => {
    const encoders = [0, 1, 2].map((partition) => {
      const encoder = new RecordBatchEncoder();
      for (let line = 0; line < 2000 * (partition + 1); line++) {
        encoder.add({ key: `k${line}`, value: `a flow of line ${line}`, headers: { line: String(line) } }, 2 ** 30);
      }
      return encoder;
    });
    const batches = encoders.map((encoder, partition) => ({
      partition,
      firstSequence: 0,
      messages: [{ value: null, encodedRecordBatch: encoder }],
    }));
    const batchBytes = encoders.reduce((sum, encoder) => sum + encoder.size, 0);
    const request = produceRequest({ acks: -1, timeout: 30_000, topicData: [{ topic: 't', partitions: batches }] });
    const allocated = vi.spyOn(Buffer, 'allocUnsafe');
    const copied = vi.spyOn(Buffer.prototype, 'copy');
    const framed = await frameRequest({ correlationId: 1, clientId: 'flowwatch', request });
    const sum = (values: unknown[]) => values.reduce((total: number, value) => total + Number(value), 0);
    expect(framed.buffer.length).toBeGreaterThan(batchBytes);
    // Unpatched, each batch is copied into its partition's encoder, its topic's, the request's and
    // the framing's, each grown by doubling: several times the bytes, allocated and copied.
    expect(sum(allocated.mock.calls.map(([size]) => size))).toBeLessThan(framed.buffer.length * 1.1);
    expect(sum(copied.mock.results.map(({ value }) => value))).toBeLessThan(batchBytes * 1.1);
  });
});
