// kafkajs' message encoding and decoding, as patched by patches/kafkajs+2.2.4.patch for speed (encoder
// buffers not zeroed, varints written in place, a send's messages grouped in one pass, a record's
// headers gathered in one object): the bytes, the order and the decoded record must be exactly what
// they were.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

interface Encoder {
  writeVarInt(value: number): Encoder;
  writeUVarInt(value: number): Encoder;
  writeVarIntString(value: string): Encoder;
  writeVarIntBytes(value: Buffer): Encoder;
  readonly buffer: Buffer;
}
interface Decoder {
  readVarInt(): number;
  readVarIntString(): string;
  readVarIntBytes(): Buffer;
}
const require = createRequire(import.meta.url);
const Encoder = require('kafkajs/src/protocol/encoder.js') as new (initialSize?: number) => Encoder;
const Decoder = require('kafkajs/src/protocol/decoder.js') as new (buffer: Buffer) => Decoder;
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: {
  offsetDelta: number;
  key: string;
  value: string;
  headers: Record<string, string | string[]>;
}) => Encoder;
const decodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/decoder.js') as (
  decoder: Decoder & { readInt8(): number },
  batchContext: { firstOffset: string; firstTimestamp: string },
) => { offset: string; key: Buffer; value: Buffer; headers: Record<string, Buffer | Buffer[]> };
const groupMessagesPerPartition = require('kafkajs/src/producer/groupMessagesPerPartition.js') as (options: {
  topic: string;
  partitionMetadata: unknown[];
  messages: { key: string; partition: number }[];
  partitioner: (options: { message: { partition: number } }) => number;
}) => Record<string, { key: string }[]>;

/** LEB128 of the zigzag encoding, written out independently of kafkajs. */
function referenceVarInt(value: number): number[] {
  let rest = ((value << 1) ^ (value >> 31)) >>> 0;
  const bytes = [];
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  bytes.push(rest);
  return bytes;
}

const values = [0, 1, -1, 63, -64, 64, 127, 128, 8191, 8192, 2 ** 20, -(2 ** 20), 2 ** 31 - 1, -(2 ** 31)];

describe('kafkajs encoding as patched', () => {
  it('writes every varint as the protocol defines it, in 1 to 5 bytes', () => {
    for (const value of values) {
      expect([...new Encoder().writeVarInt(value).buffer], String(value)).toEqual(referenceVarInt(value));
    }
    expect([...new Encoder().writeUVarInt(2 ** 32 - 1).buffer]).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('reads back exactly what it wrote, also past its first buffer and from reused memory', () => {
    const strings = Array.from({ length: 300 }, (_, i) => `Comp${i}`.repeat((i % 7) + 1));
    for (let round = 0; round < 3; round++) {
      const encoder = new Encoder(8);
      for (const [i, text] of strings.entries()) {
        encoder.writeVarInt(values[i % values.length] as number).writeVarIntString(text);
        encoder.writeVarIntBytes(Buffer.from(text));
      }
      const decoder = new Decoder(encoder.buffer);
      for (const [i, text] of strings.entries()) {
        expect(decoder.readVarInt()).toBe(values[i % values.length]);
        expect(decoder.readVarIntString()).toBe(text);
        expect(decoder.readVarIntBytes().toString()).toBe(text);
      }
    }
  });

  it('groups a send by partition keeping each partition in the order given', () => {
    const messages = Array.from({ length: 5000 }, (_, i) => ({ key: `m${i}`, partition: (i * 31) % 4 }));
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [{}, {}, {}, {}],
      messages,
      partitioner: ({ message }) => message.partition,
    });
    for (let partition = 0; partition < 4; partition++) {
      expect(grouped[partition]?.map((m) => m.key)).toEqual(
        messages.filter((m) => m.partition === partition).map((m) => m.key),
      );
    }
  });

  it('decodes a record with its headers, a repeated key as an array of its values in order', () => {
    const encoded = encodeRecord({
      offsetDelta: 7,
      key: 'Comp1',
      value: 'line',
      headers: { source: 'flows.csv', line: '42', tag: ['a', 'b', 'c'] },
    }).buffer;
    const decoder = new Decoder(encoded) as Decoder & { readInt8(): number };
    decoder.readVarInt(); // the record's length
    const record = decodeRecord(decoder, { firstOffset: '100', firstTimestamp: '0' });
    expect(record.offset).toBe('107');
    expect(record.key.toString()).toBe('Comp1');
    expect(record.value.toString()).toBe('line');
    const text = (value: Buffer | Buffer[] | undefined) =>
      Array.isArray(value) ? value.map((v) => v.toString()) : value?.toString();
    expect(Object.keys(record.headers)).toEqual(['source', 'line', 'tag']);
    expect(text(record.headers.source)).toBe('flows.csv');
    expect(text(record.headers.line)).toBe('42');
    expect(text(record.headers.tag)).toEqual(['a', 'b', 'c']);
  });
});
