// Waits for a condition with a deadline, instead of sleeping for a fixed time (runtime/wait-until.ts).
import { waitUntil } from '../../runtime/index.ts';

export { within } from '../../runtime/index.ts';

export async function waitFor<T>(
  condition: () => Promise<T | undefined | false> | T | undefined | false,
  options: { timeoutMs: number; intervalMs?: number; what?: string },
): Promise<T> {
  return (await waitUntil(condition, options)) as T;
}
