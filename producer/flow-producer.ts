// Streams a flow file into Kafka: one message per valid flow, rejected lines to the dead-letter topic,
// sent in large batches with one request in flight, so reading waits whenever Kafka is behind.
import { setTimeout as sleep } from 'node:timers/promises';
import { type Kafka, type Message, Partitioners, type Producer } from 'kafkajs';
import {
  deadLetterTopic,
  Field,
  type FlowInput,
  FlowScanner,
  flowMessage,
  type Logger,
  RejectionLog,
  rejectedLineMessage,
} from '../common/index.ts';
import { type Pace, Pacer } from './pacer.ts';
import type { ProduceSummary } from './produce-summary.ts';

export interface ProduceOptions {
  readonly topic: string;
  /** Messages per send request. */
  readonly batchSize: number;
  readonly pace?: Pace;
  readonly signal?: AbortSignal;
}

/** A paced flow waits for its time only if it is at least this early; shorter waits are sent at once. */
const MIN_WAIT_MS = 2;

interface PendingFlow {
  readonly message: Message;
  readonly time: number;
  readonly lineNumber: number;
}

export class FlowProducer {
  private readonly producer: Producer;
  private readonly log: Logger;
  private connected = false;

  constructor(kafka: Kafka, log: Logger) {
    this.log = log;
    // Idempotent with acks from all in-sync replicas: a retried send is written once. One request in
    // flight keeps the batches in order; kafkajs retries a failed request for as long as it takes.
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 300, maxRetryTime: 5000 },
    });
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
    const sourceHeader = Buffer.from(input.source);
    let flows: Message[] = [];
    let deadLetters: Message[] = [];
    let batchLastLine = 0;
    let inFlight: Promise<void> | undefined;

    const scanner = new FlowScanner({
      flow: (fields, line, lineNumber) => {
        pending.push({
          message: flowMessage(fields, line, sourceHeader, lineNumber),
          time: pacer === undefined ? 0 : Number(fields[Field.Time]),
          lineNumber,
        });
      },
      invalid: (line, lineNumber, reason) => {
        deadLetters.push(rejectedLineMessage(line, input.source, lineNumber, reason));
        rejections.reject({ source: input.source, line: lineNumber }, reason);
      },
      skipped: () => {},
    });

    // Starts sending the batch in hand once the previous send is acknowledged.
    const send = async () => {
      if (flows.length === 0 && deadLetters.length === 0) return;
      const topicMessages = [];
      if (flows.length > 0) topicMessages.push({ topic: options.topic, messages: flows });
      if (deadLetters.length > 0) topicMessages.push({ topic: dlq, messages: deadLetters });
      const counts = { flows: flows.length, lastLine: batchLastLine };
      flows = [];
      deadLetters = [];
      await inFlight;
      inFlight = this.producer.sendBatch({ topicMessages, acks: -1 }).then(() => {
        summary.flowsPublished += counts.flows;
        summary.lastLineDelivered = Math.max(summary.lastLineDelivered, counts.lastLine);
      });
    };

    const syncCounts = () => {
      summary.linesRead = scanner.counts.lines;
      summary.invalidLines = scanner.counts.invalid;
      summary.skippedLines = scanner.counts.skipped;
    };

    const take = (item: PendingFlow) => {
      flows.push(item.message);
      batchLastLine = item.lineNumber;
      return flows.length >= options.batchSize;
    };
    const drain = () => this.drain(pending, pacer, options.signal, take, send);

    let stopped = false;
    try {
      for await (const chunk of input.chunks()) {
        scanner.push(chunk);
        stopped = await drain();
        syncCounts();
        if (stopped) break;
        if (deadLetters.length >= options.batchSize) await send();
      }
      if (!stopped) {
        scanner.end();
        stopped = await drain();
        syncCounts();
      }
      // Everything taken from the file is delivered, also after a stop signal.
      await send();
      await inFlight;
      if (!stopped) summary.lastLineDelivered = summary.linesRead;
    } finally {
      rejections.flush();
    }
    const elapsedSeconds = (performance.now() - started) / 1000;
    summary.complete = !stopped;
    summary.elapsedSeconds = elapsedSeconds;
    summary.flowsPerSecond = elapsedSeconds > 0 ? summary.flowsPublished / elapsedSeconds : 0;
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
