// The first offset Kafka still holds of each partition (its low watermark), cached: where the state
// starts when Redis holds no offset, and the bound below which a rewind cannot go.
import type { Admin } from 'kafkajs';
import { type PartitionId, partitionId } from '../state/index.ts';

export class RetainedOffsets {
  private readonly admin: Admin;
  private readonly low = new Map<PartitionId, number>();

  constructor(admin: Admin) {
    this.admin = admin;
  }

  /** The partition's first retained offset; `refresh` asks Kafka again (retention may have moved it). */
  async first(topic: string, partition: number, refresh = false): Promise<number> {
    const id = partitionId(topic, partition);
    const cached = this.low.get(id);
    if (cached !== undefined && !refresh) return cached;
    for (const p of await this.admin.fetchTopicOffsets(topic))
      this.low.set(partitionId(topic, p.partition), Number(p.low));
    return this.low.get(id) ?? 0;
  }
}
