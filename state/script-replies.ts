// What the state scripts answer, mapped to typed results in one place. A reply this file does not
// know (a new code in a script, a script of another version) is an error, never read as a refusal.
import { ErrorCode, FlowwatchError } from '../runtime/index.ts';

/** The codes the scripts answer with, as their headers list them. */
export const ScriptCode = {
  applied: 1,
  /** delete-state.lua: an hour appeared since its caller listed the keys; nothing was deleted. */
  hoursChanged: 0,
  offsetMismatch: -1,
  fenced: -2,
  refused: -3,
  /** claim-partitions.lua: another consumer group counts into this state; nothing changed. */
  otherGroup: -4,
} as const;

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

/** A script's {-3, why}: the state cannot take the change, and nothing changed. */
function refusal(reply: readonly unknown[]): FlowwatchError {
  return new FlowwatchError(
    ErrorCode.STATE_REFUSED,
    `Redis refused the change whole, nothing was changed: ${String(reply[1])}`,
  );
}

/** The one sentence for a member of another group than the one that counts into the state. */
export function otherGroup(prefix: string, owner: string, group: string): FlowwatchError {
  return new FlowwatchError(
    ErrorCode.STATE_OTHER_GROUP,
    `the state under ${prefix} is counted by group ${owner}, not ${group}: run with --group ${owner}, or give this group a prefix of its own (--prefix)`,
  );
}

/** A script's reply as its code and value, the refusal already thrown. */
function codeAndValue(script: string, reply: unknown): [unknown, unknown] {
  if (!Array.isArray(reply) || reply.length !== 2) throw unknownReply(script, reply);
  if (reply[0] === ScriptCode.refused && typeof reply[1] === 'string') throw refusal(reply);
  return [reply[0], reply[1]];
}

/** apply-batch.lua's reply; start-partial.lua answers with the same codes. */
export function applyBatchResult(reply: unknown, script = 'apply-batch.lua'): ApplyResult {
  const [code, raw] = codeAndValue(script, reply);
  const value = integer(script, reply, raw);
  switch (code) {
    case ScriptCode.applied:
      return { status: 'applied', next: value };
    case ScriptCode.offsetMismatch:
      return { status: 'offset-mismatch', stored: value };
    case ScriptCode.fenced:
      return { status: 'fenced', owner: value };
    default:
      throw unknownReply(script, reply);
  }
}

/** claim-partitions.lua answers the new epoch, a positive integer; `group` is the claiming member's. */
export function claimResult(reply: unknown, group: string, prefix: string): number {
  const script = 'claim-partitions.lua';
  const [code, raw] = codeAndValue(script, reply);
  if (code === ScriptCode.otherGroup && typeof raw === 'string') throw otherGroup(prefix, raw, group);
  const epoch = integer(script, reply, raw);
  if (code !== ScriptCode.applied || epoch < 1) throw unknownReply(script, reply);
  return epoch;
}

/**
 * delete-state.lua answers how many keys it deleted, or that an hour appeared since its caller read
 * the list of hours (undefined: nothing was deleted, read the list again).
 */
export function deleteResult(reply: unknown): number | undefined {
  const script = 'delete-state.lua';
  const [code, raw] = codeAndValue(script, reply);
  const value = integer(script, reply, raw);
  if (code === ScriptCode.hoursChanged) return undefined;
  if (code !== ScriptCode.applied || value < 0) throw unknownReply(script, reply);
  return value;
}

/** What confirm-offset.lua found: the state holds `next`, or another offset (-1: none). */
export type ConfirmResult =
  | { readonly status: 'held'; readonly next: number }
  | { readonly status: 'elsewhere'; readonly stored: number };

export function confirmResult(reply: unknown): ConfirmResult {
  const script = 'confirm-offset.lua';
  const [code, raw] = codeAndValue(script, reply);
  const value = integer(script, reply, raw);
  if (code === ScriptCode.applied) return { status: 'held', next: value };
  if (code === ScriptCode.offsetMismatch) return { status: 'elsewhere', stored: value };
  throw unknownReply(script, reply);
}
