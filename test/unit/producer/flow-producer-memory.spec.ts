// A long run of small flushes (what a paced producer does all the time) must not leave anything
// behind per flush: the heap, measured after a forced collection, stays flat from early in the run
// to its end. Kafka is replaced by a producer that acknowledges every request at once.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Kafka } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { generateFlowText } from '../../../data/flow-generator.ts';
import type { FlowInput } from '../../../flow/index.ts';
import { FlowProducer, type ProduceSummary, startingSummary } from '../../../producer/index.ts';
import { createLogger } from '../../../runtime/index.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const heapAfterCollection = () => {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
};

/** A Kafka whose producer acknowledges every send at once. */
const instantKafka = {
  producer: () => ({
    connect: async () => {},
    disconnect: async () => {},
    send: async () => [],
  }),
} as unknown as Kafka;

const emptySummary = (): ProduceSummary =>
  startingSummary({ source: 'memory.csv', sourceId: '0123456789abcdef/1', stream: 1, resumed: false, topic: 'flows' });

describe('a long run of small flushes', () => {
  it('keeps the heap flat: nothing is left behind per flush', { timeout: 120_000 }, async () => {
    const CHUNKS = 120;
    const LINES_PER_CHUNK = 1000;
    const heap: number[] = [];
    // Measured from inside the run: whatever a flush leaves on the run's own objects shows only
    // while the run lasts, not after it.
    async function* chunks(): AsyncGenerator<Buffer> {
      let index = 0;
      for (const text of generateFlowText({ lines: CHUNKS * LINES_PER_CHUNK, seed: 9 }, LINES_PER_CHUNK)) {
        if (index === 20 || index === CHUNKS - 1) heap.push(heapAfterCollection());
        index++;
        yield Buffer.from(text);
      }
    }
    const input: FlowInput = {
      source: 'memory.csv',
      sizeBytes: undefined,
      bytesRead: () => 0,
      chunks,
      fingerprint: async () => '0123456789abcdef',
      close: async () => {},
    };
    const producer = new FlowProducer(instantKafka, createLogger('silent'));
    await producer.connect();
    const stop = new AbortController();
    const summary = await producer.produce(
      input,
      {
        topic: 'flows',
        source: 'memory.csv',
        sourceId: '0123456789abcdef/1',
        partitions: { flows: 4, deadLetters: 1 },
        recordBatchBytes: { flows: 1024 * 1024, deadLetters: 1024 * 1024 },
        // One flow per request: a flush for every flow, as a paced run at a high rate makes.
        batchSize: 1,
        signal: stop.signal,
      },
      emptySummary(),
    );
    await producer.disconnect();
    expect(summary).toMatchObject({ complete: true, flowsPublished: CHUNKS * LINES_PER_CHUNK });
    const [early, late] = heap as [number, number];
    const growthMb = (late - early) / 2 ** 20;
    // About 100,000 flushes between the two measurements; a few hundred bytes left per flush would be
    // tens of MB.
    expect(
      growthMb,
      `heap grew ${growthMb.toFixed(1)} MB over ${(CHUNKS - 21) * LINES_PER_CHUNK} flushes`,
    ).toBeLessThan(5);
  });
});
