// The whole produce request as kafkajs frames it for the socket (size prefix, header, body) when its
// partitions carry record batches flowwatch encoded: the patch writes it straight into one buffer of
// its exact size, and every byte must be the one kafkajs frames for the messages themselves. The
// framing is also written out here independently of kafkajs, for both kinds of request.
import { createRequire } from 'node:module';
import type { Message } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecordBatchEncoder } from '../../../kafka/record-batch-encoder.ts';

interface PartitionData {
  readonly partition: number;
  readonly firstSequence: number;
  readonly messages: Message[];
}
interface TopicData {
  readonly topic: string;
  readonly partitions: PartitionData[];
}
interface Framed {
  readonly buf: Buffer;
  readonly buffer: Buffer;
}
type Request = { encode: () => Promise<{ buffer: Buffer }> };
type ProduceRequest = (options: object) => Request;
const require = createRequire(import.meta.url);
const produceV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as ProduceRequest;
const produceV7 = require('kafkajs/src/protocol/requests/produce/v7/request.js') as ProduceRequest;
const frame = require('kafkajs/src/protocol/request.js') as (options: {
  correlationId: number;
  clientId: string;
  request: Request;
}) => Promise<Framed>;
const Long = require('kafkajs/src/utils/long.js') as { fromValue: (value: bigint) => unknown };

const flow = (line: number): Message => ({
  key: `Comp${line % 13}`,
  value: Buffer.from(`118781,49,Comp300446,Comp${line % 13},6,Port48559,80,10,35,13910,28490`),
  headers: { source: 'flows.csv', line: String(line), 'source-id': Buffer.from('0123456789abcdef/1') },
});
const flows = (from: number, count: number) => Array.from({ length: count }, (_, i) => flow(from + i));

function standIn(messages: readonly Message[]): Message {
  const encoder = new RecordBatchEncoder(256);
  for (const message of messages) encoder.add(message, Number.MAX_SAFE_INTEGER);
  return { value: null, encodedRecordBatch: encoder } as Message;
}

/** Two topics, one named outside ASCII, of two partitions each, with batches of different sizes. */
function topicData(encoded: (partition: PartitionData) => boolean): TopicData[] {
  const partition = (id: number, count: number): PartitionData => {
    const messages = flows(id * 1000, count);
    const data = { partition: id, firstSequence: 7 * id, messages };
    return encoded(data) ? { ...data, messages: [standIn(messages)] } : data;
  };
  return [
    { topic: 'flows', partitions: [partition(0, 1), partition(3, 700)] },
    { topic: 'flüsse', partitions: [partition(1, 40), partition(2, 2)] },
  ];
}

const nullableString = (value: string | null) => {
  if (value === null) return Buffer.from([0xff, 0xff]);
  const bytes = Buffer.from(value, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length >> 8, bytes.length & 0xff]), bytes]);
};

/** The protocol's request framing, written here from its definition: size, key, version, id, client. */
function framedByHand(body: Buffer, apiVersion: number, correlationId: number, clientId: string): Buffer {
  const header = Buffer.alloc(8);
  header.writeInt16BE(0, 0); // Produce
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(correlationId, 4);
  const rest = Buffer.concat([header, nullableString(clientId), body]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(rest.length);
  return Buffer.concat([size, rest]);
}

const options = (data: TopicData[], transactionalId?: string) => ({
  acks: -1,
  timeout: 30_000,
  transactionalId,
  producerId: Long.fromValue(99n),
  producerEpoch: 2,
  topicData: data,
});

describe('a framed produce request carrying encoded record batches', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_765_000_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is byte for byte kafkajs' framing of the messages themselves, in one buffer of its exact size", async () => {
    for (const [version, produce] of [
      [3, produceV3],
      [7, produceV7],
    ] as const) {
      for (const transactionalId of [undefined, 'tx-ü']) {
        for (const clientId of ['flowwatch', 'flöwwatch-ß']) {
          const plain = produce(
            options(
              topicData(() => false),
              transactionalId,
            ),
          );
          const expected = framedByHand((await plain.encode()).buffer, version, 5 + version, clientId);
          expect((await frame({ correlationId: 5 + version, clientId, request: plain })).buffer).toEqual(expected);

          const encoded = produce(
            options(
              topicData(() => true),
              transactionalId,
            ),
          );
          const framed = await frame({ correlationId: 5 + version, clientId, request: encoded });
          expect(framed.buffer).toEqual(expected);
          expect(framed.buf.length).toBe(expected.length);
        }
      }
    }
  });

  it('is the same bytes when only some of its partitions carry an encoded batch', async () => {
    const mixed = produceV7(options(topicData(({ partition }) => partition % 2 === 1)));
    const plain = produceV7(options(topicData(() => false)));
    const expected = framedByHand((await plain.encode()).buffer, 7, 1, 'flowwatch');
    expect((await frame({ correlationId: 1, clientId: 'flowwatch', request: mixed })).buffer).toEqual(expected);
  });

  it('is written into a buffer of its own each time, which the socket may still hold', async () => {
    const data = topicData(() => true);
    const first = await frame({ correlationId: 1, clientId: 'c', request: produceV3(options(data)) });
    const bytes = Buffer.from(first.buffer);
    const again = await frame({ correlationId: 1, clientId: 'c', request: produceV3(options(data)) });
    expect(again.buf.buffer).not.toBe(first.buf.buffer);
    expect(first.buffer).toEqual(bytes);
    expect(again.buffer).toEqual(bytes);
  });
});
