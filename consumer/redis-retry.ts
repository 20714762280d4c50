// Retries a Redis call through outages: transport failures are retried with backoff, Redis's own
// refusals are not (except the transient ones a restarting Redis gives).
import { setTimeout as sleep } from 'node:timers/promises';
import { ReplyError } from 'ioredis';
import type { Logger } from '../common/index.ts';

const TRANSIENT_REPLIES = /^(LOADING|BUSY|TRYAGAIN|MASTERDOWN|CLUSTERDOWN)\b/;
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 3000;

export function isTransientRedisError(error: unknown): boolean {
  if (error instanceof ReplyError) return TRANSIENT_REPLIES.test((error as Error).message);
  return error instanceof Error;
}

export interface RetryControl {
  /** False once the work should be abandoned (stopping, or the partition was taken away). */
  keepGoing(): boolean;
  /** Called between attempts, e.g. to keep the group membership alive. */
  between?(): Promise<void>;
}

/** Runs `call` until it succeeds; undefined if `control` says to give up first. */
export async function retryRedis<T>(
  call: () => Promise<T>,
  control: RetryControl,
  log: Logger,
): Promise<T | undefined> {
  let backoff = FIRST_BACKOFF_MS;
  let failures = 0;
  for (;;) {
    try {
      const result = await call();
      if (failures > 0) log.info({ failures }, 'Redis is back');
      return result;
    } catch (error) {
      if (!isTransientRedisError(error)) throw error;
      failures++;
      if (failures === 1 || failures % 10 === 0)
        log.warn({ err: error, failures }, 'Redis unavailable; retrying, nothing applied');
    }
    if (!control.keepGoing()) return undefined;
    await sleep(backoff);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
    await control.between?.();
    if (!control.keepGoing()) return undefined;
  }
}
