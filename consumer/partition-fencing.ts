// Fencing: on every group join the member takes a new epoch from Redis and claims the partitions it
// was given, so a member that lost them (a zombie that stalled past its session) can no longer write.
// A claim the state refuses for good (another group counts into it) ends the member.
import type { Logger } from '../runtime/index.ts';
import { type PartitionId, partitionId, type StateWriter } from '../state/index.ts';
import { ConsumerEvents, type ConsumerInstrumentation } from './consumer-events.ts';
import { ABANDONED, type RetryControl, retryRedis } from './redis-retry.ts';

export class PartitionFencing {
  private readonly state: StateWriter;
  private readonly events: ConsumerInstrumentation;
  private readonly log: Logger;
  private readonly control: RetryControl;
  /** Fencing epoch per partition this member holds. */
  private readonly epochs = new Map<PartitionId, number>();
  private highestEpoch = 0;
  private claiming: Promise<void> = Promise.resolve();
  private readonly fail: (error: Error) => void;

  constructor(
    state: StateWriter,
    events: ConsumerInstrumentation,
    log: Logger,
    control: RetryControl,
    fail: (error: Error) => void,
  ) {
    this.state = state;
    this.events = events;
    this.log = log;
    this.control = control;
    this.fail = fail;
  }

  /** A new assignment (a group join): forget the old partitions, claim the new ones. */
  assigned(assignment: Readonly<Record<string, readonly number[]>>): void {
    this.epochs.clear();
    const ids = Object.entries(assignment).flatMap(([topic, partitions]) =>
      partitions.map((partition) => partitionId(topic, partition)),
    );
    this.claiming = this.claim(ids);
  }

  /** Claims a partition again: an older claim landed after ours. */
  reclaim(id: PartitionId): void {
    this.log.warn({ partition: id, owner: this.epochs.get(id) }, 'partition claimed by an older epoch; reclaiming');
    this.claiming = this.claim([id]);
  }

  /** The epoch to write a partition under, once the claim under way is done; undefined if not held. */
  async epochOf(id: PartitionId): Promise<number | undefined> {
    await this.claiming;
    return this.epochs.get(id);
  }

  /** The partitions this member holds now, each with its fencing epoch. */
  get owned(): ReadonlyMap<PartitionId, number> {
    return this.epochs;
  }

  private async claim(ids: readonly PartitionId[]): Promise<void> {
    if (ids.length === 0) return;
    let epoch: number | typeof ABANDONED;
    try {
      epoch = await retryRedis(() => this.state.claim(ids, this.highestEpoch), this.control, this.log);
    } catch (error) {
      // Nothing claimed: the member holds no partition and writes nothing until it ends.
      this.fail(error as Error);
      return;
    }
    if (epoch === ABANDONED) return;
    this.highestEpoch = Math.max(this.highestEpoch, epoch);
    for (const id of ids) this.epochs.set(id, epoch);
    this.log.info({ epoch, partitions: ids }, 'partitions claimed');
    this.events.emit(ConsumerEvents.PARTITIONS_CLAIMED, { epoch, partitions: ids });
  }
}
