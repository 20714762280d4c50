// Streams a flow file into Kafka: one message per valid flow, rejected lines to the dead-letter topic,
// sent in large batches with one batch in flight, so reading waits whenever Kafka is behind.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Kafka, Message, Producer } from 'kafkajs';
import { deadLetterTopic } from '../config/index.ts';
import { perSecond } from '../display/index.ts';
import {
  deadLetterBounds,
  Field,
  type FlowInput,
  FlowScanner,
  flowMessage,
  RejectionLog,
  rejectedLineMessage,
} from '../flow/index.ts';
import { IDEMPOTENT_PRODUCER, sendInRecordBatches } from '../kafka/index.ts';
import type { Logger } from '../runtime/index.ts';
import { BatchLinger } from './batch-linger.ts';
import { waitForInput } from './input-wait.ts';
import { keyPartitioner } from './key-partitioner.ts';
import { type Pace, Pacer } from './pacer.ts';
import { PartitionBatches } from './partition-batches.ts';
import type { ProduceSummary } from './produce-summary.ts';
import { ProducerEvents, type ProducerInstrumentation, producerInstrumentation } from './producer-events.ts';
import { StopDeadline } from './stop-deadline.ts';

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

/** How long a batch not yet full waits for more input by default. */
export const DEFAULT_LINGER_MS = 100;

/** A paced flow waits for its time only if it is at least this early; shorter waits are sent at once. */
const MIN_WAIT_MS = 2;

/**
 * After a stop signal, how long the batch in flight may still take to be acknowledged. A broker
 * that cannot be reached would otherwise keep the producer retrying for ever; past this bound the
 * batch is reported as unconfirmed and nothing more is sent.
 */
export const STOP_DELIVERY_MS = 5000;

interface PendingFlow {
  readonly message: Message;
  readonly time: number;
  readonly lineNumber: number;
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
    const dlq = deadLetterTopic(options.topic);
    const rejections = new RejectionLog(this.log);
    const pacer = options.pace === undefined ? undefined : new Pacer(options.pace);
    const pending: PendingFlow[] = [];
    const sourceHeader = Buffer.from(options.source);
    const sourceIdHeader = Buffer.from(options.sourceId);
    const flows = new PartitionBatches(options.topic, options.partitions.flows, options.resume?.flows);
    const deadLetters = new PartitionBatches(dlq, options.partitions.deadLetters, options.resume?.deadLetters);
    const kept = { bounds: deadLetterBounds(options.recordBatchBytes.deadLetters, options.source, options.sourceId) };
    let batchLastLine = 0;
    const linger = new BatchLinger(options.lingerMs ?? DEFAULT_LINGER_MS);
    let inFlight: Promise<void> | undefined;
    // Flows whose request was sent and not yet acknowledged.
    let unconfirmed = 0;
    const delivery = new StopDeadline(options.signal, STOP_DELIVERY_MS);
    // Set once produce() returns: an acknowledgement arriving later (while disconnecting) leaves its
    // flows unconfirmed, as the summary already says, instead of counting them published as well.
    let closed = false;
    const isStopped = () => delivery.expired || closed;

    const scanner = new FlowScanner({
      flow: (fields, line, lineNumber) => {
        const message = flowMessage(fields, line, sourceHeader, lineNumber, sourceIdHeader);
        // Already in its partition from an earlier run: neither sent nor paced.
        if (!flows.route(message, lineNumber)) {
          summary.flowsAlreadyInTopic++;
          return;
        }
        pending.push({ message, time: pacer === undefined ? 0 : Number(fields[Field.Time]), lineNumber });
      },
      invalid: (line, lineNumber, reason, length) => {
        const message = rejectedLineMessage(line, options.source, lineNumber, reason, options.sourceId, {
          ...kept,
          fullLength: length,
        });
        if (!deadLetters.route(message, lineNumber)) {
          summary.invalidLinesAlreadyInTopic++;
          return;
        }
        deadLetters.add(message);
        linger.held();
        rejections.reject({ source: options.source, line: lineNumber }, reason);
      },
      skipped: () => {},
    });

    // Starts sending the batch in hand, each partition's share as requests of record batches its topic
    // accepts, once the previous batch is acknowledged. Flows count as published as their request is.
    const send = async () => {
      if (flows.size === 0 && deadLetters.size === 0) return;
      const batch = { flows: flows.take(), deadLetters: deadLetters.take(), lastLine: batchLastLine };
      await delivery.race(inFlight);
      if (delivery.expired) return;
      const limits = options.recordBatchBytes;
      const requests = batch.flows.map(({ messages }) => {
        unconfirmed += messages.length;
        const delivered = (sent: number) => {
          if (closed) return;
          unconfirmed -= sent;
          summary.flowsPublished += sent;
        };
        return sendInRecordBatches(this.producer, options.topic, messages, limits.flows, delivered, isStopped);
      });
      for (const { messages } of batch.deadLetters) {
        requests.push(sendInRecordBatches(this.producer, dlq, messages, limits.deadLetters, undefined, isStopped));
      }
      inFlight = Promise.all(requests).then(() => {
        summary.lastLineDelivered = Math.max(summary.lastLineDelivered, batch.lastLine);
        const flowsSent = batch.flows.reduce((sum, { messages }) => sum + messages.length, 0);
        this.events.emit(ProducerEvents.BATCH_DELIVERED, { flows: flowsSent, lastLine: batch.lastLine });
      });
      linger.sent(inFlight);
    };

    const syncCounts = () => {
      summary.linesRead = scanner.counts.lines;
      summary.invalidLines = scanner.counts.invalid;
      summary.skippedLines = scanner.counts.skipped;
    };

    const take = (item: PendingFlow) => {
      flows.add(item.message);
      linger.held();
      batchLastLine = item.lineNumber;
      return flows.size >= options.batchSize;
    };
    const drain = () => this.drain(pending, pacer, options.signal, take, send);

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
        scanner.push(read.next.value);
        stopped = await drain();
        syncCounts();
        if (stopped) break;
        if (deadLetters.size >= options.batchSize) await send();
        if (delivery.expired) break;
      }
      if (!stopped && !delivery.expired) {
        scanner.end();
        stopped = await drain();
        syncCounts();
      }
      // Everything taken from the file is delivered, also after a stop signal (within its bound).
      await send();
      await delivery.race(inFlight);
      if (!stopped && !delivery.expired) summary.lastLineDelivered = summary.linesRead;
    } finally {
      closed = true;
      delivery.dispose();
      rejections.flush();
      // Lets go of the input on every early end. Not awaited: on a silent stdin the return waits
      // for the read in progress, which may never come.
      chunks.return?.().catch(() => undefined);
    }
    summary.flowsUnconfirmed = delivery.expired ? unconfirmed : 0;
    const elapsedMs = performance.now() - started;
    summary.complete = !stopped && !delivery.expired;
    summary.elapsedSeconds = elapsedMs / 1000;
    summary.flowsPerSecond = perSecond(summary.flowsPublished, elapsedMs);
    return summary;
  }

  /** Hands the pending flows over one by one, waiting for each one's time when paced. True if stopped. */
  private async drain(
    pending: PendingFlow[],
    pacer: Pacer | undefined,
    signal: AbortSignal | undefined,
    take: (item: PendingFlow) => boolean,
    flush: () => Promise<void>,
  ): Promise<boolean> {
    let index = 0;
    try {
      for (; index < pending.length; index++) {
        if (signal?.aborted) return true;
        const item = pending[index] as PendingFlow;
        if (pacer !== undefined) {
          const wait = pacer.delayMs(item.time);
          if (wait >= MIN_WAIT_MS) {
            await flush();
            await sleep(wait, undefined, { signal }).catch(() => undefined);
            if (signal?.aborted) return true;
          }
        }
        if (take(item)) await flush();
      }
      return false;
    } finally {
      // Flows not taken before a stop are not sent; the summary's last delivered line says
      // where a re-run should pick up.
      pending.length = 0;
    }
  }
}
