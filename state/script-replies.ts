// What the state scripts answer, mapped to typed results in one place. A reply this file does not
// know (a new code in a script, a script of another version) is an error, never read as a refusal.
import { ErrorCode, FlowwatchError } from '../common/index.ts';

/** The codes apply-batch-8.lua answers with, as its header lists them. */
export const ApplyBatchCode = { applied: 1, offsetMismatch: -1, fenced: -2 } as const;

export type ApplyResult =
  | { readonly status: 'applied'; readonly next: number }
  /** The batch did not start at the stored next offset; nothing was applied. */
  | { readonly status: 'offset-mismatch'; readonly stored: number }
  /** Another writer holds the partition; nothing was applied. */
  | { readonly status: 'fenced'; readonly owner: number };

const unknownReply = (script: string, reply: unknown) =>
  new FlowwatchError(
    ErrorCode.STATE_REPLY_UNKNOWN,
    `${script} answered ${JSON.stringify(reply)}, which flowwatch does not know`,
  );

/** An integer reply value; anything else is an unknown reply. */
function integer(script: string, reply: unknown, value: unknown): number {
  const n = Number(value);
  if (value === null || value === undefined || value === '' || !Number.isSafeInteger(n))
    throw unknownReply(script, reply);
  return n;
}

export function applyBatchResult(reply: unknown): ApplyResult {
  const script = 'apply-batch-8.lua';
  if (!Array.isArray(reply) || reply.length !== 2) throw unknownReply(script, reply);
  const value = integer(script, reply, reply[1]);
  switch (reply[0]) {
    case ApplyBatchCode.applied:
      return { status: 'applied', next: value };
    case ApplyBatchCode.offsetMismatch:
      return { status: 'offset-mismatch', stored: value };
    case ApplyBatchCode.fenced:
      return { status: 'fenced', owner: value };
    default:
      throw unknownReply(script, reply);
  }
}

/** claim-partitions-2.lua answers the new epoch, a positive integer. */
export function claimResult(reply: unknown): number {
  const epoch = integer('claim-partitions-2.lua', reply, reply);
  if (epoch < 1) throw unknownReply('claim-partitions-2.lua', reply);
  return epoch;
}

/** delete-state-10.lua answers how many keys it deleted. */
export function deleteResult(reply: unknown): number {
  const deleted = integer('delete-state-10.lua', reply, reply);
  if (deleted < 0) throw unknownReply('delete-state-10.lua', reply);
  return deleted;
}
