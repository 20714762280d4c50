// How the producer ends when Kafka stops answering: past the bound after a stop signal nothing more is
// sent and no flow counts as both published and unconfirmed. Kafka is replaced by a producer whose
// requests are answered (or refused) only when the test says so.
import type { Kafka, ProducerRecord } from 'kafkajs';
import { describe, expect, it, vi } from 'vitest';
import { generateFlowText } from '../../../data/flow-generator.ts';
import type { FlowInput } from '../../../flow/index.ts';
import { FlowProducer, type ProduceOptions, type ProduceSummary, startingSummary } from '../../../producer/index.ts';
import { createLogger } from '../../../runtime/index.ts';
import { waitFor } from '../../support/wait-for.ts';

interface Request {
  readonly record: ProducerRecord;
  readonly ack: () => void;
  readonly refuse: (error: Error) => void;
}

/** A Kafka whose producer holds every request until the test acknowledges or refuses it. */
function heldKafka(): { kafka: Kafka; requests: Request[] } {
  const requests: Request[] = [];
  const send = (record: ProducerRecord) =>
    new Promise((resolve, reject) => {
      requests.push({ record, ack: () => resolve([]), refuse: reject });
    });
  const kafka = { producer: () => ({ connect: async () => {}, disconnect: async () => {}, send }) };
  return { kafka: kafka as unknown as Kafka, requests };
}

/** An input that yields `text` and then stays silent, as `tail -f` does. */
function silentAfter(text: string): FlowInput {
  async function* chunks(): AsyncGenerator<Buffer> {
    yield Buffer.from(text);
    await new Promise(() => {});
  }
  return heldInput(chunks);
}

/** A flow input named held.csv whose bytes come from `chunks`. */
function heldInput(chunks: () => AsyncIterable<Buffer>): FlowInput {
  return {
    source: 'held.csv',
    sizeBytes: undefined,
    bytesRead: () => 0,
    chunks,
    fingerprint: async () => 'f',
    close: async () => {},
  };
}

const flowLines = (count: number) => [...generateFlowText({ lines: count, seed: 3 })].join('');

const emptySummary = (): ProduceSummary =>
  startingSummary({ source: 'held.csv', sourceId: '0123456789abcdef/1', stream: 1, resumed: false, topic: 'flows' });

const options = (signal: AbortSignal | undefined, recordBatchBytes: number): ProduceOptions => ({
  topic: 'flows',
  source: 'held.csv',
  sourceId: '0123456789abcdef/1',
  partitions: { flows: 1, deadLetters: 1 },
  recordBatchBytes: { flows: recordBatchBytes, deadLetters: 1024 * 1024 },
  batchSize: 1000,
  lingerMs: 1,
  signal,
});

/** Lets every reaction already queued run (and the ones they queue), without waiting for time. */
const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('a producer stopped while Kafka does not answer', () => {
  it('sends nothing more past the bound, and counts a late acknowledgement as unconfirmed only', {
    timeout: 30_000,
  }, async () => {
    const { kafka, requests } = heldKafka();
    const producer = new FlowProducer(kafka, createLogger('silent'));
    await producer.connect();
    const stop = new AbortController();
    // A record batch of at most one flow: the batch of three goes out as three requests, one after another.
    const produced = producer.produce(silentAfter(flowLines(3)), options(stop.signal, 850), emptySummary());
    await waitFor(() => requests.length === 1, { timeoutMs: 5000, what: 'the first request' });
    expect(requests[0]?.record.messages).toHaveLength(1);
    stop.abort();
    const summary = await produced;
    expect(summary).toMatchObject({ complete: false, flowsPublished: 0, flowsUnconfirmed: 3 });
    // Kafka answers after produce() has given up on it.
    requests[0]?.ack();
    await settle();
    expect(requests).toHaveLength(1);
    expect(summary).toMatchObject({ flowsPublished: 0, flowsUnconfirmed: 3 });
    await producer.disconnect();
  });
});

describe('a producer whose last batch is refused while the input is silent', () => {
  it('ends with the refusal at once, not at the next line or a stop signal', { timeout: 30_000 }, async () => {
    const { kafka, requests } = heldKafka();
    const producer = new FlowProducer(kafka, createLogger('silent'));
    await producer.connect();
    let outcome: unknown;
    const produced = producer.produce(silentAfter(flowLines(3)), options(undefined, 64 * 1024), emptySummary()).then(
      () => {
        outcome = 'returned';
      },
      (error: unknown) => {
        outcome = error;
      },
    );
    await waitFor(() => requests.length === 1, { timeoutMs: 5000, what: 'the request' });
    const refusal = new Error('Not authorized to access topics: [Topic authorization failed]');
    requests[0]?.refuse(refusal);
    await waitFor(() => outcome !== undefined, { timeoutMs: 5000, what: 'produce() to end' });
    expect(outcome).toBe(refusal);
    await produced;
    await producer.disconnect();
  });
});

describe('a producer that stops before its input ends', () => {
  it('lets go of the input: its iterator is told to return', { timeout: 30_000 }, async () => {
    let returned = 0;
    let reads = 0;
    const text = Buffer.from(flowLines(3));
    const chunks = (): AsyncIterable<Buffer> => ({
      [Symbol.asyncIterator]: () => ({
        // One chunk, then silence, as `tail -f` gives.
        next: () => (reads++ === 0 ? Promise.resolve({ done: false, value: text }) : new Promise(() => {})),
        return: () => {
          returned++;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    });
    const input = heldInput(chunks);
    const { kafka, requests } = heldKafka();
    const producer = new FlowProducer(kafka, createLogger('silent'));
    await producer.connect();
    const stop = new AbortController();
    const produced = producer.produce(input, options(stop.signal, 64 * 1024), emptySummary());
    await waitFor(() => requests.length === 1, { timeoutMs: 5000, what: 'the request' });
    requests[0]?.ack();
    await waitFor(() => reads === 2, { timeoutMs: 5000, what: 'the wait for more input' });
    stop.abort();
    const summary = await produced;
    expect(summary).toMatchObject({ complete: false, flowsPublished: 3 });
    expect(returned).toBe(1);
    await producer.disconnect();
  });
});

describe('a paced producer', () => {
  it('waits for each flow’s time on the timers a test can fake', { timeout: 10_000 }, async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    try {
      const sent: number[] = [];
      const send = async (record: ProducerRecord) => {
        sent.push(record.messages.length);
        return [];
      };
      const kafka = { producer: () => ({ connect: async () => {}, disconnect: async () => {}, send }) };
      const producer = new FlowProducer(kafka as unknown as Kafka, createLogger('silent'));
      await producer.connect();
      const text = flowLines(3);
      const input: FlowInput = {
        ...silentAfter(text),
        chunks: async function* () {
          yield Buffer.from(text);
        },
      };
      // One flow every 100 s: the second and third wait that long each, on the faked clock only.
      const produced = producer.produce(
        input,
        { ...options(undefined, 64 * 1024), pace: { rate: 0.01 } },
        emptySummary(),
      );
      await vi.advanceTimersByTimeAsync(50_000);
      expect(sent.reduce((sum, n) => sum + n, 0)).toBe(1);
      await vi.advanceTimersByTimeAsync(200_000);
      const summary = await produced;
      expect(summary).toMatchObject({ complete: true, flowsPublished: 3 });
      await producer.disconnect();
    } finally {
      vi.useRealTimers();
    }
  });
});
