// Deletes a prefix's whole state in one atomic step, the per-hour sets included: for a fresh run, a
// test's cleanup, or to reproduce what a FLUSHALL does to it. Consumers then rebuild it from the topic.
import { fixedStateKeys, hourKeyBase } from './keys.ts';
import { deleteResult } from './script-replies.ts';
import { withScripts } from './scripts.ts';
import type { StateClient } from './state-client.ts';

/** Deletes every key of the prefix's state; resolves to how many there were. */
export async function resetState(redis: StateClient, prefix: string): Promise<number> {
  return deleteResult(await withScripts(redis).deleteState(...fixedStateKeys(prefix), hourKeyBase(prefix)));
}
