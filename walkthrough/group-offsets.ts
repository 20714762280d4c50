// The consumer group of a walkthrough run, as the coordinator knows it: whether it holds offsets or
// members, and deleting its committed offsets for a fresh run. An answer other than "no such group"
// or "still has members" ends the run with Kafka's reason, never silently.
import type { Admin } from 'kafkajs';
import { kafkaFailure } from '../kafka/index.ts';
import { ErrorCode, FlowwatchError, retrying } from '../runtime/index.ts';
import type { HeldGroup } from './names-in-use.ts';

/** How long members may take to leave: a run that just ended has its members gone within their session. */
const MEMBERS_PATIENCE_MS = 15_000;
const MEMBERS_RETRY_MS = 500;

interface GroupAnswer {
  readonly groupId?: string;
  readonly error?: { readonly type?: string; readonly message?: string };
}

/** The group when it has committed offsets or members; undefined when the coordinator knows none. */
export async function heldGroup(admin: Admin, group: string): Promise<HeldGroup | undefined> {
  const { groups } = await admin.describeGroups([group]).catch((error: unknown) => {
    throw kafkaFailure(error, `describe group ${group}`);
  });
  const described = groups.find((g) => g.groupId === group);
  if (described === undefined || described.state === 'Dead') return undefined;
  return { members: described.members.length };
}

/** Deletes the group's committed offsets; a group that does not exist is already as wanted. */
export async function deleteGroupOffsets(
  admin: Admin,
  group: string,
  patienceMs: number = MEMBERS_PATIENCE_MS,
): Promise<void> {
  const stillMembers = new FlowwatchError(
    ErrorCode.NAMES_IN_USE,
    `group ${group} still has members after ${Math.round(patienceMs / 1000)} s: stop the consumers of that group, or name another (FLOWWATCH_GROUP)`,
  );
  const started = performance.now();
  await retrying(
    () =>
      admin.deleteGroups([group]).then(
        () => undefined,
        (error: unknown) => {
          if (groupDeletionOutcome(error, group) === 'members') throw stillMembers;
        },
      ),
    {
      // Only members still leaving are waited for, and only until the patience is spent.
      retriable: (error) => error === stillMembers,
      intervalMs: () => (performance.now() - started >= patienceMs ? undefined : MEMBERS_RETRY_MS),
    },
  );
}

/** What a failed DeleteGroups means: no such group, members still in it, or a refusal that ends the run. */
export function groupDeletionOutcome(error: unknown, group: string): 'absent' | 'members' {
  const answers = (error as { groups?: readonly GroupAnswer[] }).groups;
  const answer = answers?.find((a) => a.groupId === group) ?? answers?.[0];
  if (answer?.error?.type === 'GROUP_ID_NOT_FOUND') return 'absent';
  if (answer?.error?.type === 'NON_EMPTY_GROUP') return 'members';
  throw kafkaFailure(answer?.error ?? error, `delete the offsets of group ${group}`);
}
