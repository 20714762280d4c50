// The batch check's record, `<prefix>:check`: one contract, written by `flowwatch verify` and read by
// the dashboard. What is read back is checked against the same shape: the page trusts nothing it
// did not validate.
import { z } from 'zod';
import { stateKeys } from './keys.ts';
import type { StateClient } from './state-client.ts';

const count = z.number().int();

const schema = z.object({
  /** When the check ran (ISO date). */
  at: z.string(),
  identical: z.boolean(),
  /** False: the consumers had not caught up (`verify --partial`). */
  complete: z.boolean(),
  /** Devices in the batch answer. */
  devices: count,
  webRequests: count,
  flows: count,
  /** How many devices differ; `differences` holds only the first few of them. */
  devicesDiffering: count,
  differences: z.array(z.object({ device: z.string(), batch: count, stream: count, difference: count })),
  totalsDiffering: z.array(z.object({ total: z.string(), batch: count, stream: count })),
});

export type CheckRecord = z.infer<typeof schema>;

/** Differing devices kept in the record: enough to see what is wrong, small enough for a page. */
export const CHECK_DIFFERENCES_KEPT = 20;

/** Leaves the record beside the state, replacing the last one (its differences capped). */
export async function writeCheck(redis: StateClient, prefix: string, record: CheckRecord): Promise<void> {
  const capped = { ...record, differences: record.differences.slice(0, CHECK_DIFFERENCES_KEPT) };
  await redis.set(stateKeys.check(prefix), JSON.stringify(capped));
}

/** The record stored as JSON, or null if there is none or it is not the expected shape. */
export function parseCheck(stored: string | null): CheckRecord | null {
  if (stored === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : null;
}
