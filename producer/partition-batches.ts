// Sorts a batch of keyed messages into one list per partition, by the partition the Kafka clients
// give a key (see key-partitioner.ts), so that every send request carries a single partition. On a
// resumed run it also knows, per partition, up to which line the topic holds the stream already.
//
// Why: kafkajs 2.2.4 retries a multi-broker send only to brokers that failed the first attempt; if a
// partition's leadership moved to a broker that had answered, that partition's share is never sent
// and the send still resolves. A request for one partition has one broker, so a retry always goes to
// that partition's current leader.
import type { Message } from 'kafkajs';
import type { Encodable, LineRecord } from '../kafka/index.ts';
import { partitionOfKey, partitionOfRange } from './key-partitioner.ts';

export class PartitionBatches {
  readonly topic: string;
  private readonly partitions: number;
  /** Per partition: every line of the stream up to this one is in it already (see resume-point.ts). */
  private readonly delivered: readonly number[];
  private lists: Encodable[][];
  private count = 0;

  constructor(topic: string, partitions: number, delivered: readonly number[] = []) {
    this.topic = topic;
    this.delivered = delivered;
    this.partitions = partitions;
    this.lists = this.emptyLists();
  }

  get size(): number {
    return this.count;
  }

  /** Sets the message's partition; false if that partition holds this line already (a resumed run). */
  route(message: Message, lineNumber: number): boolean {
    const partition = partitionOfKey(message.key as string | Buffer, this.partitions);
    message.partition = partition;
    return lineNumber > (this.delivered[partition] ?? 0);
  }

  /** As route, for a line: its key is hashed where it lies. */
  routeLine(line: LineRecord): boolean {
    const partition = partitionOfRange(line.keyBytes, line.keyStart, line.keyEnd, this.partitions);
    line.partition = partition;
    return line.lineNumber > (this.delivered[partition] ?? 0);
  }

  /** Adds a routed message or line to its partition's list. */
  add(record: Encodable): void {
    (this.lists[record.partition as number] as Encodable[]).push(record);
    this.count++;
  }

  /** Hands over the messages gathered so far, one entry per partition that has any, and starts afresh. */
  take(): { partition: number; messages: Encodable[] }[] {
    const taken = [];
    for (let partition = 0; partition < this.lists.length; partition++) {
      const messages = this.lists[partition] as Encodable[];
      if (messages.length > 0) taken.push({ partition, messages });
    }
    this.lists = this.emptyLists();
    this.count = 0;
    return taken;
  }

  private emptyLists(): Encodable[][] {
    return Array.from({ length: this.partitions }, () => []);
  }
}
