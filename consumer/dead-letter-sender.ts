// Sends the flow-topic messages a member cannot read to the dead-letter topic, raw, with where they
// came from and why, before their batch is applied (so each is copied at least once).
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { type DeadLetterBounds, RejectionLog, rejectedMessage } from '../flow/index.ts';
import { IDEMPOTENT_PRODUCER, kafkaRetriable, sendInRecordBatches } from '../kafka/index.ts';
import { ErrorCode, FlowwatchError, isFlowwatchError, type Logger } from '../runtime/index.ts';
import type { UndecodableMessage } from './batch-tally.ts';

export class DeadLetterSender {
  private readonly producer: Producer;
  private readonly topic: string;
  private readonly rejections: RejectionLog;
  /** The largest record batch the dead-letter topic accepts, and what a dead letter keeps to fit in one. */
  private recordBatchBytes = 0;
  private bounds: DeadLetterBounds = { valueBytes: 0, copiedHeaderBytes: 0 };

  constructor(kafka: Kafka, topic: string, log: Logger) {
    this.topic = topic;
    this.rejections = new RejectionLog(log);
    this.producer = kafka.producer({ ...IDEMPOTENT_PRODUCER, createPartitioner: Partitioners.DefaultPartitioner });
  }

  /**
   * `recordBatchBytes`: the largest record batch the dead-letter topic accepts (record-batch-limit.ts);
   * `bounds`: what a dead letter keeps to fit in one (deadLetterBounds).
   */
  connect(recordBatchBytes: number, bounds: DeadLetterBounds): Promise<void> {
    this.recordBatchBytes = recordBatchBytes;
    this.bounds = bounds;
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  /**
   * Copies a batch's rejects. They share a key, so one partition: sent as record batches the topic
   * accepts, in order. A refusal no retry can cure ends the member with its reason, rather than
   * kafkajs delivering the batch again and again.
   */
  async send(from: { topic: string; partition: number }, rejects: readonly UndecodableMessage[]): Promise<void> {
    const { topic, partition } = from;
    for (const reject of rejects) this.rejections.reject({ topic, partition, offset: reject.offset }, reject.reason);
    const messages = rejects.map((reject) =>
      rejectedMessage(reject, { topic, partition, offset: reject.offset }, reject.reason, this.bounds),
    );
    try {
      await sendInRecordBatches(this.producer, this.topic, messages, this.recordBatchBytes);
    } catch (error) {
      if (isFlowwatchError(error) || kafkaRetriable(error)) throw error;
      throw new FlowwatchError(
        ErrorCode.KAFKA_REFUSED,
        `${this.topic} refused the copies of ${rejects.length} unreadable messages of ${topic}/${partition}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
}
