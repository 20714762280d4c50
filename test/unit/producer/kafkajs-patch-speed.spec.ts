// The speed of kafkajs as patched by patches/kafkajs+2.2.4.patch, which kafkajs-codec.spec.ts cannot
// see (it checks the bytes, which are the same either way): a send grouped and a record's headers
// gathered in time linear in their size, encoder buffers taken unzeroed from Node's shared pool, and
// varints written with no buffer of their own. Without the patch each of these tests fails.
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';

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

/** How much bigger the large input is than the small one. */
const SCALE = 8;
/**
 * The most the large input may take, in multiples of the small one's time. Linear work takes about
 * SCALE times as long and quadratic work SCALE² (64; over 150 measured, as the copies also tax the
 * garbage collector): the bound sits between, far enough from both for a loaded machine.
 */
const MOST_RATIO = 32;

/** The fastest of a few runs, in milliseconds: the least disturbed by the rest of the machine. */
function fastestMs(run: () => void, runs: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

/** The large input's time over the small one's; the small one, run more often, is warmed up first. */
function growth(prepare: (size: number) => () => void, small: number): number {
  const smallMs = fastestMs(prepare(small), 7);
  const largeMs = fastestMs(prepare(small * SCALE), 3);
  // A timer's resolution is about a microsecond: below that the small run would read as nothing.
  return largeMs / Math.max(smallMs, 0.01);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('kafkajs as patched for speed', () => {
  it('groups a send by partition in time linear in its number of messages', () => {
    const grouping = (size: number) => {
      const messages = Array.from({ length: size }, (_, i) => ({ key: `m${i}` }));
      // One partition: the one whose list an unpatched grouping copies for every message.
      return () => {
        const grouped = groupMessagesPerPartition({
          topic: 't',
          partitionMetadata: [{}],
          messages,
          partitioner: () => 0,
        });
        if (grouped[0]?.length !== size) throw new Error('a message was lost');
      };
    };
    expect(growth(grouping, 2500)).toBeLessThan(MOST_RATIO);
  });

  it("gathers a record's headers in time linear in their number", () => {
    const decoding = (size: number) => {
      const headers = Object.fromEntries(Array.from({ length: size }, (_, i) => [`h${i}`, 'v']));
      const encoded = encodeRecord({ offsetDelta: 0, key: 'k', value: 'v', headers }).buffer;
      return () => {
        const decoder = new Decoder(encoded);
        decoder.readVarInt(); // the record's length
        const record = decodeRecord(decoder, { firstOffset: '0', firstTimestamp: '0' });
        if (Object.keys(record.headers).length !== size) throw new Error('a header was lost');
      };
    };
    expect(growth(decoding, 250)).toBeLessThan(MOST_RATIO);
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
});
