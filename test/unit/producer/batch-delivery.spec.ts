// What the producer's delivery keeps between batches: encoders for the next batch, not one per
// partition for the whole run, and none grown large by a skewed share.
import type { Message, Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { TopicSet } from '../../../kafka/index.ts';
import { BatchDelivery, KEPT_LARGE_ENCODERS_BYTES, type PartitionShare } from '../../../producer/batch-delivery.ts';
import { BatchLinger } from '../../../producer/batch-linger.ts';
import type { ProduceSummary } from '../../../producer/produce-summary.ts';
import type { ProducerInstrumentation } from '../../../producer/producer-events.ts';

const KIB = 1024;

/** A producer that acknowledges every request at once, counting the records it was sent. */
function acknowledging() {
  let records = 0;
  const send = async ({ messages }: { messages: Message[] }) => {
    for (const message of messages)
      records += (message as Message & { encodedRecordBatch: { recordCount: number } }).encodedRecordBatch.recordCount;
    return [];
  };
  return { producer: { send } as unknown as Producer, records: () => records };
}

function delivery(producer: Producer): BatchDelivery {
  return new BatchDelivery({
    producer,
    topics: { flows: 'flows', deadLetters: 'flows-dead-letters' } as TopicSet,
    recordBatchBytes: { flows: 1024 * KIB, deadLetters: 1024 * KIB },
    summary: { flowsPublished: 0, lastLineDelivered: 0 } as ProduceSummary,
    events: { emit: () => true } as unknown as ProducerInstrumentation,
    linger: new BatchLinger(0),
  });
}

const flow = (line: number, valueBytes = 70): Message => ({
  key: `Comp${line % 13}`,
  value: Buffer.alloc(valueBytes, 0x31),
  headers: { source: 'flows.csv', line: String(line) },
});

describe('BatchDelivery’s encoders', () => {
  it('keeps, after a batch spread over 1,000 partitions is acknowledged, about what that batch encoded', async () => {
    const { producer, records } = acknowledging();
    const sent = delivery(producer);
    const flows: PartitionShare[] = Array.from({ length: 1000 }, (_, partition) => ({
      partition,
      messages: [flow(2 * partition), flow(2 * partition + 1)],
    }));
    await sent.send({ flows, deadLetters: [], lastLine: 2000 });
    await sent.settled();
    expect(records()).toBe(2000);
    expect(sent.encoderBytes).toBeLessThanOrEqual(2 * KIB * 1000);
  });

  it('keeps only a few encoders that large shares grew to a full record batch, once acknowledged', async () => {
    const { producer, records } = acknowledging();
    const sent = delivery(producer);
    const flows: PartitionShare[] = Array.from({ length: 12 }, (_, partition) => ({
      partition,
      messages: Array.from({ length: 900 }, (_, line) => flow(line, 1000)),
    }));
    await sent.send({ flows, deadLetters: [], lastLine: 900 * 12 });
    await sent.settled();
    expect(records()).toBe(900 * 12);
    expect(sent.encoderBytes).toBeLessThanOrEqual(KEPT_LARGE_ENCODERS_BYTES);
  });
});
