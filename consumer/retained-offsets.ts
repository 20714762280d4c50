// The first offset Kafka still holds of each partition (its low watermark), cached: where the state
// starts when Redis holds no offset, and the bound below which a rewind cannot go.
import type { Admin } from 'kafkajs';
import { kafkaFailure } from '../kafka/index.ts';
import { retrying } from '../runtime/index.ts';
import { type PartitionId, partitionId } from '../state/index.ts';

/** Pauses between asking again while the brokers cannot answer (moments after a broker died). */
const RETRY_PAUSES_MS = [200, 500, 1000, 2000, 2000, 2000, 2000];

export class RetainedOffsets {
  private readonly admin: Pick<Admin, 'fetchTopicOffsets'>;
  private readonly low = new Map<PartitionId, number>();
  private readonly pauses: readonly number[];

  constructor(admin: Pick<Admin, 'fetchTopicOffsets'>, pauses: readonly number[] = RETRY_PAUSES_MS) {
    this.admin = admin;
    this.pauses = pauses;
  }

  /**
   * The partition's first retained offset; `refresh` asks Kafka again (retention may have moved it).
   * Right after a broker died kafkajs can fail the request (even with a TypeError of its own, when a
   * partition has no leader yet): it is asked again for a while, and a refresh that still fails
   * keeps the offset known before, which is never above the current one. With none known, the
   * failure is Kafka away (retriable), so the batch it came from runs again rather than ending the member.
   */
  async first(topic: string, partition: number, refresh = false): Promise<number> {
    const id = partitionId(topic, partition);
    const cached = this.low.get(id);
    if (cached !== undefined && !refresh) return cached;
    try {
      return await retrying(
        async () => {
          for (const p of await this.admin.fetchTopicOffsets(topic))
            this.low.set(partitionId(topic, p.partition), Number(p.low));
          return this.low.get(id) ?? 0;
        },
        { intervalMs: (failures) => this.pauses[failures - 1] },
      );
    } catch (error) {
      if (cached !== undefined) return cached;
      throw kafkaFailure(error, 'read the first retained offset');
    }
  }
}
