// The walkthrough's claim on a key prefix: a hash naming the topic and group it made along with the
// state, written before it creates them, so that a later walkthrough deletes only what one made.
import { fixedStateKeys, stateKeys } from './keys.ts';
import type { StateClient } from './state-client.ts';

/** The topic and group a walkthrough made with the state under a prefix. */
export interface WalkthroughMarker {
  readonly topic: string;
  readonly group: string;
}

/** What a prefix holds: how many of its state keys exist, the flows they counted, and from which topics. */
export interface HeldState {
  readonly keys: number;
  readonly flows: number;
  /** The topics the state holds offsets of. */
  readonly topics: readonly string[];
}

export async function readWalkthroughMarker(
  redis: StateClient,
  prefix: string,
): Promise<WalkthroughMarker | undefined> {
  const hash = await redis.hgetall(stateKeys.walkthrough(prefix));
  if (hash.topic === undefined || hash.group === undefined) return undefined;
  return { topic: hash.topic, group: hash.group };
}

export async function writeWalkthroughMarker(
  redis: StateClient,
  prefix: string,
  marker: WalkthroughMarker,
): Promise<void> {
  await redis.hset(stateKeys.walkthrough(prefix), { topic: marker.topic, group: marker.group });
}

/** The state under a prefix, the marker aside: any key there is data someone counted. */
export async function heldState(redis: StateClient, prefix: string): Promise<HeldState> {
  const marker = stateKeys.walkthrough(prefix);
  // Per-hour sets never exist without the hours set, which is among the fixed keys.
  const keys = await redis.exists(...fixedStateKeys(prefix).filter((key) => key !== marker));
  if (keys === 0) return { keys, flows: 0, topics: [] };
  const flows = Number((await redis.hget(stateKeys.totals(prefix), 'flows').catch(() => null)) ?? 0);
  // Fields are `<topic>/<partition>`; a topic name holds no '/', so the last one splits them.
  const fields = await redis.hkeys(stateKeys.offsets(prefix));
  const topics = [...new Set(fields.map((field) => field.slice(0, field.lastIndexOf('/'))))];
  return { keys, flows: Number.isFinite(flows) ? flows : 0, topics };
}
