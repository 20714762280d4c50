// Sends one partition's share of messages as record batches its topic accepts (record-batch-size.ts).
import type { Message, Producer } from 'kafkajs';
import { splitRecordBatches } from './record-batch-size.ts';

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
