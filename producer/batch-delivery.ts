// Delivers the producer's batches to Kafka: one batch in flight, each partition's share sent as
// requests of record batches its topic accepts; after a stop signal the batch in flight has a bounded
// time to be acknowledged, and what it leaves unacknowledged is reported, not counted as published.
import type { Producer } from 'kafkajs';
import {
  type Encodable,
  LineRecord,
  RecordBatchEncoder,
  sendEncodedRecordBatches,
  type TopicSet,
} from '../kafka/index.ts';
import type { BatchLinger } from './batch-linger.ts';
import type { ProduceSummary } from './produce-summary.ts';
import { ProducerEvents, type ProducerInstrumentation } from './producer-events.ts';
import { StopDeadline } from './stop-deadline.ts';

/**
 * After a stop signal, how long the batch in flight may still take to be acknowledged. A broker
 * that cannot be reached would otherwise keep the producer retrying for ever; past this bound the
 * batch is reported as unconfirmed and nothing more is sent.
 */
export const STOP_DELIVERY_MS = 5000;

/**
 * An encoder grown beyond LARGE_ENCODER_BYTES by its share is kept for the next batch only while the
 * large ones kept hold at most KEPT_LARGE_ENCODERS_BYTES: enough for a few full record batches (the
 * default topic's partitions each fill one per batch, and reallocating them would cost time), not one
 * per partition of a topic with many.
 */
export const LARGE_ENCODER_BYTES = 256 * 1024;
export const KEPT_LARGE_ENCODERS_BYTES = 4 * 1024 * 1024;
/** A new encoder's first buffer, at most: a share of few records starts smaller (see firstBytes). */
const FIRST_ENCODER_BYTES = 64 * 1024;
/** Bytes a record takes beyond its value, about: key, headers, lengths and deltas (it grows if short). */
const RECORD_OVERHEAD_BYTES = 128;

/** The messages of one partition. */
export interface PartitionShare {
  readonly partition: number;
  readonly messages: Encodable[];
}

/** A batch taken from the hand: each topic's messages by partition. */
export interface ProducerBatch {
  readonly flows: readonly PartitionShare[];
  readonly deadLetters: readonly PartitionShare[];
  /** The last line taken into the batch: once it is acknowledged, every line up to it is delivered. */
  readonly lastLine: number;
}

export interface DeliveryParts {
  readonly producer: Producer;
  readonly topics: TopicSet;
  /** The largest record batch each topic accepts. */
  readonly recordBatchBytes: { readonly flows: number; readonly deadLetters: number };
  /** Updated as requests are acknowledged. */
  readonly summary: ProduceSummary;
  readonly events: ProducerInstrumentation;
  /** Told of each batch sent, so that a batch in hand does not go out while one is in flight. */
  readonly linger: BatchLinger;
  readonly signal?: AbortSignal;
}

export class BatchDelivery {
  private readonly parts: DeliveryParts;
  private readonly deadline: StopDeadline;
  private inFlight: Promise<void> | undefined;
  /** Flows whose request was sent and not yet acknowledged. */
  private unconfirmed = 0;
  /**
   * Set once the run is over: an acknowledgement arriving later (while disconnecting) leaves its
   * flows unconfirmed, as the summary already says, instead of counting them published as well.
   */
  private closed = false;
  private readonly isStopped = () => this.deadline.expired || this.closed;
  /**
   * Encoders free for the next batch: those the batch before used, handed back once it was
   * acknowledged (the bytes an encoder sealed stay in use until then). Only as many as one batch used
   * are kept, and few grown large (keptForNext), so a topic of many partitions or skewed keys does not
   * hold an encoder's worth of memory per partition for the whole run.
   */
  private spare: RecordBatchEncoder[] = [];

  constructor(parts: DeliveryParts) {
    this.parts = parts;
    this.deadline = new StopDeadline(parts.signal, STOP_DELIVERY_MS);
  }

  /** True once the bound after a stop signal has passed: nothing more is sent. */
  get expired(): boolean {
    return this.deadline.expired;
  }

  /** Flows left unacknowledged when the bound after a stop signal ran out (0 while it has not). */
  get unconfirmedFlows(): number {
    return this.deadline.expired ? this.unconfirmed : 0;
  }

  /**
   * Starts sending `batch` once the batch before it is acknowledged. Flows count as published as
   * their request is.
   */
  async send(batch: ProducerBatch): Promise<void> {
    await this.deadline.race(this.inFlight);
    if (this.deadline.expired) return;
    const { producer, topics, recordBatchBytes: limits, summary } = this.parts;
    const used: RecordBatchEncoder[] = [];
    const target = (topic: string, { partition, messages }: PartitionShare, limitBytes: number) => {
      const encoder = this.spare.pop() ?? new RecordBatchEncoder(firstBytes(messages));
      used.push(encoder);
      return { topic, partition, limitBytes, encoder };
    };
    const requests = batch.flows.map((share) => {
      const { messages } = share;
      this.unconfirmed += messages.length;
      const delivered = (sent: number) => {
        if (this.closed) return;
        this.unconfirmed -= sent;
        summary.flowsPublished += sent;
      };
      const to = target(topics.flows, share, limits.flows);
      return sendEncodedRecordBatches(producer, to, messages, delivered, this.isStopped);
    });
    for (const share of batch.deadLetters) {
      const to = target(topics.deadLetters, share, limits.deadLetters);
      requests.push(sendEncodedRecordBatches(producer, to, share.messages, undefined, this.isStopped));
    }
    this.inFlight = Promise.all(requests).then(() => {
      this.spare = keptForNext(used);
      summary.lastLineDelivered = Math.max(summary.lastLineDelivered, batch.lastLine);
      const flowsSent = batch.flows.reduce((sum, { messages }) => sum + messages.length, 0);
      this.parts.events.emit(ProducerEvents.BATCH_DELIVERED, { flows: flowsSent, lastLine: batch.lastLine });
    });
    this.parts.linger.sent(this.inFlight);
  }

  /** Bytes the encoders kept for the next batch hold. */
  get encoderBytes(): number {
    return this.spare.reduce((bytes, encoder) => bytes + encoder.capacity, 0);
  }

  /** Waits for the batch in flight to be acknowledged, or for the bound after a stop signal. */
  settled(): Promise<void> {
    return this.deadline.race(this.inFlight);
  }

  /** The run is over: nothing more is sent or counted. */
  close(): void {
    this.closed = true;
    this.deadline.dispose();
  }
}

/** A new encoder's first buffer: about what the share's records take, the first's value as the measure. */
function firstBytes(messages: readonly Encodable[]): number {
  const valueBytes = messages.length === 0 ? 0 : valueLength(messages[0] as Encodable);
  return Math.min(FIRST_ENCODER_BYTES, messages.length * (valueBytes + RECORD_OVERHEAD_BYTES));
}

function valueLength(record: Encodable): number {
  if (record instanceof LineRecord) return record.valueEnd - record.valueStart;
  const { value } = record;
  return value === null || value === undefined ? 0 : Buffer.byteLength(value);
}

/** The encoders a batch used that the next one may take: the small ones, and large ones up to a bound. */
function keptForNext(used: readonly RecordBatchEncoder[]): RecordBatchEncoder[] {
  let largeBytes = 0;
  return used.filter((encoder) => {
    if (encoder.capacity <= LARGE_ENCODER_BYTES) return true;
    largeBytes += encoder.capacity;
    return largeBytes <= KEPT_LARGE_ENCODERS_BYTES;
  });
}
