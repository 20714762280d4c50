// The patched kafkajs seam for a record batch flowwatch encoded itself: the produce request carries
// the same bytes as for the messages it stands for, and the idempotent producer's sequence numbers
// advance by the batch's records. Also how sendEncodedRecordBatches cuts a partition's share.
import { createRequire } from 'node:module';
import type { Message, Producer, ProducerRecord } from 'kafkajs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RecordBatchEncoder } from '../../../kafka/record-batch-encoder.ts';
import { sendEncodedRecordBatches } from '../../../kafka/record-batch-send.ts';
import { recordBatchBudget } from '../../../kafka/record-batch-size.ts';
import { ErrorCode, isFlowwatchError } from '../../../runtime/index.ts';

const require = createRequire(import.meta.url);
type ProduceRequest = (options: object) => { encode: () => Promise<{ buffer: Buffer }> };
const produceRequest = require('kafkajs/src/protocol/requests/produce/v3/request.js') as ProduceRequest;
const createSendMessages = require('kafkajs/src/producer/sendMessages.js') as (
  parts: object,
) => (send: object) => Promise<unknown>;
const Long = require('kafkajs/src/utils/long.js') as { fromValue: (value: bigint) => unknown };

const flow = (line: number): Message => ({
  key: `Comp${line % 13}`,
  value: Buffer.from(`118781,49,Comp300446,Comp${line % 13},6,Port48559,80,10,35,13910,28490`),
  headers: { source: 'flows.csv', line: String(line), 'source-id': Buffer.from('0123456789abcdef/1') },
});
const flows = (count: number) => Array.from({ length: count }, (_, i) => flow(i + 1));

function standIn(messages: readonly Message[], partition: number): Message {
  const encoder = new RecordBatchEncoder();
  for (const message of messages) encoder.add(message, Number.MAX_SAFE_INTEGER);
  return { partition, value: null, encodedRecordBatch: encoder } as Message;
}

async function requestBytes(messages: Message[], transactionalId?: string): Promise<Buffer> {
  const request = produceRequest({
    acks: -1,
    timeout: 30_000,
    transactionalId,
    producerId: Long.fromValue(99n),
    producerEpoch: 2,
    topicData: [{ topic: 'flows', partitions: [{ partition: 3, firstSequence: 41, messages }] }],
  });
  return (await request.encode()).buffer;
}

describe('a produce request carrying an encoded record batch', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_765_000_000_000);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is byte for byte the request kafkajs makes of the messages themselves', async () => {
    for (const count of [1, 2, 500]) {
      const messages = flows(count);
      expect(await requestBytes([standIn(messages, 3)])).toEqual(await requestBytes(messages));
      expect(await requestBytes([standIn(messages, 3)], 'tx')).toEqual(await requestBytes(messages, 'tx'));
    }
  });

  it('is refused when the encoded batch is not the only message of its partition', async () => {
    const messages = flows(2);
    await expect(requestBytes([standIn(messages, 3), flow(3)])).rejects.toThrow('encodedRecordBatch');
    await expect(requestBytes([flow(3), standIn(messages, 3)])).rejects.toThrow('encodedRecordBatch');
  });
});

describe("kafkajs' sendMessages with an encoded record batch", () => {
  it('advances the sequence number by the records, and takes it back when the request fails', async () => {
    // kafkajs names a partition by its key in an object: a string.
    const sequences = new Map<string, number>();
    const eosManager = {
      isTransactional: () => false,
      acquireBrokerLock: async () => {},
      releaseBrokerLock: async () => {},
      getProducerId: () => Long.fromValue(7n),
      getProducerEpoch: () => 0,
      getSequence: (_topic: string, partition: string) => sequences.get(partition) ?? 0,
      updateSequence: (_topic: string, partition: string, increment: number) =>
        sequences.set(partition, (sequences.get(partition) ?? 0) + increment),
    };
    const sent: number[] = [];
    let failNext = false;
    const broker = {
      nodeId: 1,
      produce: async ({ topicData }: { topicData: { partitions: { firstSequence: number }[] }[] }) => {
        sent.push(topicData[0]?.partitions[0]?.firstSequence as number);
        if (failNext) {
          failNext = false;
          throw Object.assign(new Error('refused'), { retriable: false });
        }
        return { topics: [] };
      },
    };
    const cluster = {
      refreshMetadataIfNecessary: async () => {},
      addMultipleTargetTopics: async () => {},
      isConnected: () => true,
      findTopicPartitionMetadata: () => [{ partitionId: 0 }, { partitionId: 1 }],
      findLeaderForPartitions: (_topic: string, partitions: string[]) => ({ 1: partitions }),
      findBroker: async () => broker,
    };
    const logger = { debug: () => {}, error: () => {} };
    const retrier = (run: (bail: (error: Error) => void) => Promise<unknown>) =>
      run((error) => {
        throw error;
      });
    const partitioner = ({ message }: { message: Message }) => message.partition;
    const send = createSendMessages({ logger, cluster, partitioner, eosManager, retrier });
    const topicMessages = (messages: Message[]) => [{ topic: 'flows', messages }];

    await send({ acks: -1, topicMessages: topicMessages([standIn(flows(250), 1)]) });
    await send({ acks: -1, topicMessages: topicMessages(flows(3).map((m) => ({ ...m, partition: 1 }))) });
    failNext = true;
    await expect(send({ acks: -1, topicMessages: topicMessages([standIn(flows(40), 1)]) })).rejects.toThrow('refused');
    await send({ acks: -1, topicMessages: topicMessages([standIn(flows(10), 1)]) });
    expect(sent).toEqual([0, 250, 253, 253]);
    expect(sequences.get('1')).toBe(263);
  });
});

describe('sendEncodedRecordBatches', () => {
  /** A producer that checks what it is given and remembers each batch's records. */
  function recordingProducer() {
    const batches: number[] = [];
    const producer = {
      send: async (record: ProducerRecord) => {
        const [only] = record.messages as (Message & { encodedRecordBatch: RecordBatchEncoder })[];
        expect(record.messages).toHaveLength(1);
        expect(only?.partition).toBe(4);
        batches.push(only?.encodedRecordBatch.recordCount as number);
        return [];
      },
    } as unknown as Producer;
    return { producer, batches };
  }

  it('sends every message once, in batches each within the budget', async () => {
    const { producer, batches } = recordingProducer();
    const encoder = new RecordBatchEncoder();
    const sizes: number[] = [];
    const delivered: number[] = [];
    const send = producer.send.bind(producer);
    producer.send = async (record) => {
      sizes.push(encoder.size);
      return send(record);
    };
    const target = { topic: 'flows', partition: 4, limitBytes: 16 * 1024, encoder };
    await sendEncodedRecordBatches(producer, target, flows(1000), (count) => delivered.push(count));
    expect(batches.reduce((sum, count) => sum + count, 0)).toBe(1000);
    expect(delivered).toEqual(batches);
    expect(batches.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(recordBatchBudget(16 * 1024) + 61);
  });

  it('stops sending once told to stop', async () => {
    const { producer, batches } = recordingProducer();
    const target = { topic: 'flows', partition: 4, limitBytes: 16 * 1024, encoder: new RecordBatchEncoder() };
    await sendEncodedRecordBatches(producer, target, flows(1000), undefined, () => batches.length === 2);
    expect(batches).toHaveLength(2);
  });

  it('refuses a message too large for any batch of the topic, in one sentence', async () => {
    const { producer } = recordingProducer();
    const target = { topic: 'flows', partition: 4, limitBytes: 2048, encoder: new RecordBatchEncoder() };
    const huge = { ...flow(1), value: Buffer.alloc(4096) };
    const error = await sendEncodedRecordBatches(producer, target, [huge]).catch((caught: unknown) => caught);
    expect(isFlowwatchError(error) && error.code).toBe(ErrorCode.KAFKA_TOPIC_LAYOUT);
    expect((error as Error).message).toMatch(/^a message of \d+ bytes does not fit in a record batch of topic flows/);
  });
});
