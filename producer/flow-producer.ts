// Streams a flow file into Kafka: reads the input, waiting for it no longer than a batch may linger,
// while the batch builder turns its lines into batches and the delivery sends them, one in flight, so
// reading waits whenever Kafka is behind.
import type { Kafka, Producer } from 'kafkajs';
import { perSecond } from '../display/index.ts';
import type { FlowInput } from '../flow/index.ts';
import { IDEMPOTENT_PRODUCER, TopicSet } from '../kafka/index.ts';
import type { Logger } from '../runtime/index.ts';
import { BatchBuilder } from './batch-builder.ts';
import { BatchDelivery } from './batch-delivery.ts';
import { BatchLinger } from './batch-linger.ts';
import { waitForInput } from './input-wait.ts';
import { keyPartitioner } from './key-partitioner.ts';
import type { Pace } from './pacer.ts';
import { DEFAULT_LINGER_MS } from './produce-defaults.ts';
import type { ProduceSummary } from './produce-summary.ts';
import { type ProducerInstrumentation, producerInstrumentation } from './producer-events.ts';

export interface ProduceOptions {
  readonly topic: string;
  /** The name every message carries in its `source` header. */
  readonly source: string;
  /** The stream's `source-id` header (see source-identity.ts). */
  readonly sourceId: string;
  /**
   * A resumed run: per partition of the flow topic and of the dead-letter topic, every line of the
   * stream up to this one is there already and is not sent again (see resume-point.ts).
   */
  readonly resume?: { readonly flows: readonly number[]; readonly deadLetters: readonly number[] };
  /** Partitions of the flow topic and of its dead-letter topic. */
  readonly partitions: { readonly flows: number; readonly deadLetters: number };
  /** Messages per batch (sent as requests of one partition each, sized to the topic's limit). */
  readonly batchSize: number;
  /**
   * How long a batch not yet full may wait for more input before it is sent (DEFAULT_LINGER_MS when
   * not given): a slow or silent input is published as it comes, not only once a batch is full.
   */
  readonly lingerMs?: number;
  /** The largest record batch the flow topic and its dead-letter topic accept (see record-batch-limit.ts). */
  readonly recordBatchBytes: { readonly flows: number; readonly deadLetters: number };
  readonly pace?: Pace;
  readonly signal?: AbortSignal;
}

export class FlowProducer {
  /** What the producer does, as it happens: batches delivered. */
  readonly events: ProducerInstrumentation = producerInstrumentation();
  private readonly producer: Producer;
  private readonly log: Logger;
  private connected = false;

  constructor(kafka: Kafka, log: Logger) {
    this.log = log;
    // Idempotent with acks from all in-sync replicas: a retried send is written once. One batch in
    // flight keeps each partition in order; kafkajs retries a failed request for as long as it takes.
    // Every message carries its partition (see PartitionBatches); the partitioner only keeps it.
    this.producer = kafka.producer({ ...IDEMPOTENT_PRODUCER, createPartitioner: keyPartitioner });
  }

  async connect(): Promise<void> {
    await this.producer.connect();
    this.connected = true;
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.producer.disconnect();
  }

  /** Publishes `input`; `summary` is updated live, so a progress display can read it. */
  async produce(input: FlowInput, options: ProduceOptions, summary: ProduceSummary): Promise<ProduceSummary> {
    const started = performance.now();
    const topics = new TopicSet(options.topic);
    const linger = new BatchLinger(options.lingerMs ?? DEFAULT_LINGER_MS);
    const batches = new BatchBuilder(options, { topics, summary, linger, log: this.log });
    const delivery = new BatchDelivery({
      producer: this.producer,
      topics,
      recordBatchBytes: options.recordBatchBytes,
      summary,
      events: this.events,
      linger,
      signal: options.signal,
    });
    // Sends the batch in hand, if it holds anything, once the batch before it is acknowledged.
    const send = async () => {
      const batch = batches.take();
      if (batch !== undefined) await delivery.send(batch);
    };

    let stopped = false;
    const chunks = input.chunks()[Symbol.asyncIterator]();
    try {
      for (;;) {
        // A batch that has waited its linger goes out before the next read, so flows read from a
        // slow or silent input are published as they come, not once a batch is full.
        if (linger.due()) await send();
        if (delivery.expired) break;
        // The wait for input ends at a stop signal too: a silent input must not hold the stop.
        const next = chunks.next();
        let read = await waitForInput(next, linger.wake(), options.signal);
        while (read.kind === 'linger') {
          linger.throwIfRefused();
          if (linger.due()) await send();
          read = await waitForInput(next, linger.wake(), options.signal);
        }
        if (read.kind === 'stopped') {
          stopped = true;
          break;
        }
        if (read.next.done === true) break;
        stopped = await batches.push(read.next.value, send);
        if (stopped) break;
        if (batches.deadLettersFull) await send();
        if (delivery.expired) break;
      }
      if (!stopped && !delivery.expired) stopped = await batches.end(send);
      // Everything taken from the file is delivered, also after a stop signal (within its bound).
      await send();
      await delivery.settled();
      if (!stopped && !delivery.expired) summary.lastLineDelivered = summary.linesRead;
    } finally {
      delivery.close();
      batches.close();
      // Lets go of the input on every early end. Not awaited: on a silent stdin the return waits
      // for the read in progress, which may never come.
      chunks.return?.().catch(() => undefined);
    }
    summary.flowsUnconfirmed = delivery.unconfirmedFlows;
    const elapsedMs = performance.now() - started;
    summary.complete = !stopped && !delivery.expired;
    summary.elapsedSeconds = elapsedMs / 1000;
    summary.flowsPerSecond = perSecond(summary.flowsPublished, elapsedMs);
    return summary;
  }
}
