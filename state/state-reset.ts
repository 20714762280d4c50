// Deletes a prefix's whole state in one atomic step, the per-hour sets included: for a fresh run, a
// test's cleanup, or to reproduce what a FLUSHALL does to it. Consumers then rebuild it from the topic.
import { ErrorCode, FlowwatchError } from '../runtime/index.ts';
import { fixedStateKeys, hourKeyBase, stateKeys } from './keys.ts';
import { deleteResult } from './script-replies.ts';
import { scriptsOf } from './scripts.ts';
import type { StateClient } from './state-client.ts';

/** Attempts at deleting, each after reading the hours again: a consumer still running adds hours. */
const ATTEMPTS = 10;

/** Deletes every key of the prefix's state; resolves to how many there were. */
export async function resetState(redis: StateClient, prefix: string): Promise<number> {
  const scripts = scriptsOf(redis);
  for (let attempt = 1; ; attempt++) {
    // The script must be given every key it deletes, so the per-hour sets are read first; it
    // deletes nothing if an hour appeared meanwhile.
    const hours = await redis
      .type(stateKeys.hours(prefix))
      .then((type) => (type === 'zset' ? redis.zrange(stateKeys.hours(prefix), '0', '-1') : []));
    const hourKeys = hours.map((hour) => `${hourKeyBase(prefix)}${hour}`);
    const fixed = fixedStateKeys(prefix);
    const deleted = deleteResult(
      await scripts.deleteState([...fixed, ...hourKeys], [hourKeyBase(prefix), fixed.length]),
    );
    if (deleted !== undefined) return deleted;
    if (attempt === ATTEMPTS)
      throw new FlowwatchError(
        ErrorCode.STATE_REFUSED,
        `the state under ${prefix} kept gaining hours while it was deleted: stop its consumers first`,
      );
  }
}
