// Sends the flow-topic messages a member cannot read to the dead-letter topic, raw, with where they
// came from and why, before their batch is applied (so each is copied at least once).
import { type Kafka, Partitioners, type Producer } from 'kafkajs';
import { IDEMPOTENT_PRODUCER, type Logger } from '../common/index.ts';
import { RejectionLog, rejectedMessage } from '../flow/index.ts';
import type { UndecodableMessage } from './batch-tally.ts';

export class DeadLetterSender {
  private readonly producer: Producer;
  private readonly topic: string;
  private readonly rejections: RejectionLog;

  constructor(kafka: Kafka, topic: string, log: Logger) {
    this.topic = topic;
    this.rejections = new RejectionLog(log);
    this.producer = kafka.producer({ ...IDEMPOTENT_PRODUCER, createPartitioner: Partitioners.DefaultPartitioner });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  async send(from: { topic: string; partition: number }, rejects: readonly UndecodableMessage[]): Promise<void> {
    for (const reject of rejects) this.rejections.reject({ ...from, offset: reject.offset }, reject.reason);
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: rejects.map((reject) =>
        rejectedMessage(reject.value, reject.headers, { ...from, offset: reject.offset }, reject.reason),
      ),
    });
  }
}
