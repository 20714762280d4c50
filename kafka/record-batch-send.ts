// Sends one partition's share of messages as record batches its topic accepts (record-batch-size.ts):
// as kafkajs messages, or encoded by flowwatch itself straight into one reusable record batch.
import type { Message, Producer } from 'kafkajs';
import type { Encodable, RecordBatchEncoder } from './record-batch-encoder.ts';
import { messageTooLarge, recordBatchBudget, splitRecordBatches } from './record-batch-size.ts';

/**
 * One request per record batch, each sent once the one before is acknowledged: requests in flight
 * together could be written in another order when one of them is retried, and the partition must
 * keep the messages' order. `delivered` is told of each batch acknowledged. Once `isStopped` says so,
 * the batches not yet sent are not sent.
 */
export async function sendInRecordBatches(
  producer: Producer,
  topic: string,
  messages: readonly Message[],
  limitBytes: number,
  delivered?: (count: number) => void,
  isStopped: () => boolean = () => false,
): Promise<void> {
  for (const batch of splitRecordBatches(messages, limitBytes, topic)) {
    if (isStopped()) return;
    await producer.send({ topic, messages: batch, acks: -1 });
    delivered?.(batch.length);
  }
}

/** Where a partition's encoded batches go, and the encoder they are written into. */
export interface EncodedTarget {
  readonly topic: string;
  readonly partition: number;
  /** The largest record batch the topic accepts. */
  readonly limitBytes: number;
  /** Used for one batch at a time: the next is encoded only once the one before is acknowledged. */
  readonly encoder: RecordBatchEncoder;
}

/**
 * As sendInRecordBatches, for messages of one partition, but each record batch encoded by flowwatch
 * and cut at its exact size: kafkajs gets one message standing for the whole batch, and only writes
 * the batch header's producer fields and CRC when it sends it (the patch's `encodedRecordBatch`).
 */
export async function sendEncodedRecordBatches(
  producer: Producer,
  target: EncodedTarget,
  messages: readonly Encodable[],
  delivered?: (count: number) => void,
  isStopped: () => boolean = () => false,
): Promise<void> {
  const { topic, partition, limitBytes, encoder } = target;
  const budget = recordBatchBudget(limitBytes);
  // The batch's stand-in: kafkajs refuses a message without a value; the partitioner keeps its partition.
  const standIn = { partition, value: null, encodedRecordBatch: encoder } as Message;
  let next = 0;
  while (next < messages.length) {
    if (isStopped()) return;
    encoder.reset();
    const first = next;
    while (next < messages.length && encoder.add(messages[next] as Encodable, budget)) next++;
    if (next === first) throw messageTooLarge(encoder.nextRecordBytes(messages[first] as Encodable), topic, limitBytes);
    await producer.send({ topic, messages: [standIn], acks: -1 });
    delivered?.(next - first);
  }
}
