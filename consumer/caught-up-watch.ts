// Waiting until every partition is applied up to its end (consume --exit-when-caught-up). Asked
// often, so that each member of a group exits soon after the last batch lands, whichever member
// applied it; and cheaply, so that asking often costs nothing while the members are still counting:
// Redis's applied offsets are compared with the ends last read, and Kafka is asked for the ends
// again only once those are reached (the topic may have grown meanwhile: the ends just read decide).
import type { Admin } from 'kafkajs';
import { type PartitionEnd, partitionEnds } from '../kafka/index.ts';
import { waitUntil } from '../runtime/index.ts';
import { isCaughtUp, progressOf, type StateReader } from '../state/index.ts';

export interface CaughtUpWatch {
  /** How long between two looks at Redis. */
  readonly intervalMs: number;
  /** Stop waiting (resolving) once this aborts. */
  readonly signal: AbortSignal;
}

/** Resolves once every partition of `topics` is applied to its end (a broker or Redis away meanwhile: asked again later). */
export async function waitUntilCaughtUp(
  admin: Pick<Admin, 'listTopics' | 'fetchTopicOffsets'>,
  state: Pick<StateReader, 'appliedOffsets'>,
  topics: readonly string[],
  { intervalMs, signal }: CaughtUpWatch,
): Promise<void> {
  let ends: PartitionEnd[] | undefined;
  await waitUntil(
    async () => {
      const applied = await state.appliedOffsets();
      if (ends !== undefined && !isCaughtUp(progressOf(ends, applied))) return false;
      ends = await partitionEnds(admin as Admin, topics);
      return isCaughtUp(progressOf(ends, applied));
    },
    { intervalMs, signal },
  );
}
