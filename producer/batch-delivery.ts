// Delivers the producer's batches to Kafka: one batch in flight, each partition's share sent as
// requests of record batches its topic accepts; after a stop signal the batch in flight has a bounded
// time to be acknowledged, and what it leaves unacknowledged is reported, not counted as published.
import type { Message, Producer } from 'kafkajs';
import { RecordBatchEncoder, sendEncodedRecordBatches, type TopicSet } from '../kafka/index.ts';
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

/** The messages of one partition. */
export interface PartitionShare {
  readonly partition: number;
  readonly messages: Message[];
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
   * Per topic and partition, the encoder its record batches are written into. Reused: a batch is
   * sent only once the one before it is acknowledged, and a partition has one share per batch.
   */
  private readonly encoders = {
    flows: new Map<number, RecordBatchEncoder>(),
    deadLetters: new Map<number, RecordBatchEncoder>(),
  };

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
    const requests = batch.flows.map(({ partition, messages }) => {
      this.unconfirmed += messages.length;
      const delivered = (sent: number) => {
        if (this.closed) return;
        this.unconfirmed -= sent;
        summary.flowsPublished += sent;
      };
      const target = this.target('flows', topics.flows, partition, limits.flows);
      return sendEncodedRecordBatches(producer, target, messages, delivered, this.isStopped);
    });
    for (const { partition, messages } of batch.deadLetters) {
      const target = this.target('deadLetters', topics.deadLetters, partition, limits.deadLetters);
      requests.push(sendEncodedRecordBatches(producer, target, messages, undefined, this.isStopped));
    }
    this.inFlight = Promise.all(requests).then(() => {
      summary.lastLineDelivered = Math.max(summary.lastLineDelivered, batch.lastLine);
      const flowsSent = batch.flows.reduce((sum, { messages }) => sum + messages.length, 0);
      this.parts.events.emit(ProducerEvents.BATCH_DELIVERED, { flows: flowsSent, lastLine: batch.lastLine });
    });
    this.parts.linger.sent(this.inFlight);
  }

  /** Where a partition's share goes, with the encoder that partition reuses. */
  private target(kind: 'flows' | 'deadLetters', topic: string, partition: number, limitBytes: number) {
    let encoder = this.encoders[kind].get(partition);
    if (encoder === undefined) {
      encoder = new RecordBatchEncoder();
      this.encoders[kind].set(partition, encoder);
    }
    return { topic, partition, limitBytes, encoder };
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
