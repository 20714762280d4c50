// Reads the last batch check that `flowwatch verify` leaves in `<prefix>:check`. Whatever is stored
// there is checked against the expected shape: the page trusts nothing it did not validate.
import { z } from 'zod';
import type { CheckResult } from './snapshot.ts';

const count = z.number().int();

const schema = z.object({
  at: z.string(),
  identical: z.boolean(),
  complete: z.boolean(),
  devices: count,
  webRequests: count,
  flows: count,
  differences: z.array(z.object({ device: z.string(), batch: count, stream: count, difference: count })),
  totalsDiffering: z.array(z.object({ total: z.string(), batch: count, stream: count })),
});

/** The check stored as JSON, or null if there is none or it is not the expected shape. */
export function parseCheck(stored: string | null): CheckResult | null {
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
