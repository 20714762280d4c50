// With --redis-wait-replicas N: a batch's Kafka commit waits until N Redis replicas hold it, so the
// offset committed to Kafka never runs ahead of what a replica promoted by a failover would hold.
import type { Logger } from '../runtime/index.ts';
import type { PartitionId, StateWriter } from '../state/index.ts';
import { ConsumerEvents, type ConsumerInstrumentation } from './consumer-events.ts';
import { ABANDONED, type RetryControl, retryRedis } from './redis-retry.ts';

export interface ReplicaWaitParts {
  readonly state: StateWriter;
  readonly events: ConsumerInstrumentation;
  readonly log: Logger;
  /** Replicas that must hold a batch before its offset is committed to Kafka (0: none), and each wait's bound. */
  readonly waitReplicas: number;
  readonly waitTimeoutMs: number;
}

/**
 * True once N replicas hold the batch (or with N = 0); the stored next offset when the state no
 * longer holds the batch; ABANDONED when stopping or the partition was taken away (the batch is
 * applied but not committed, which a redelivery skips).
 */
export async function replicasHolding(
  parts: ReplicaWaitParts,
  id: PartitionId,
  next: number,
  control: RetryControl,
): Promise<true | number | typeof ABANDONED> {
  const { waitReplicas, waitTimeoutMs, state, log } = parts;
  if (waitReplicas === 0) return true;
  for (let tries = 1; ; tries++) {
    const found = await retryRedis(() => state.replicated(id, next, waitReplicas, waitTimeoutMs), control, log);
    if (found === ABANDONED) return ABANDONED;
    if ('stored' in found) return found.stored;
    if (found.replicas >= waitReplicas) return true;
    parts.events.emit(ConsumerEvents.REPLICAS_BEHIND, {
      partition: id,
      replicas: found.replicas,
      wanted: waitReplicas,
    });
    if (tries === 1 || tries % 10 === 0)
      log.warn(
        { partition: id, replicas: found.replicas, wanted: waitReplicas, tries },
        'fewer replicas than asked hold the batch; its Kafka commit waits for them',
      );
    if (!control.keepGoing()) return ABANDONED;
    await control.between?.();
  }
}
