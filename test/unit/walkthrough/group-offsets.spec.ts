import kafkajs, { type Admin } from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isFlowwatchError } from '../../../runtime/index.ts';
import { deleteGroupOffsets, groupDeletionOutcome } from '../../../walkthrough/group-offsets.ts';

const { KafkaJSDeleteGroupsError, KafkaJSProtocolError } = kafkajs;

/** DeleteGroups' answer for one group, as kafkajs throws it. */
function answered(type: string, code: number, message: string) {
  const error = new KafkaJSProtocolError({ type, code, message, retriable: false } as unknown as Error);
  return new KafkaJSDeleteGroupsError('Error in DeleteGroups', [{ groupId: 'g', errorCode: code, error }]);
}

describe('deleting the group offsets of a fresh run', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('takes "no such group" as done', () => {
    expect(groupDeletionOutcome(answered('GROUP_ID_NOT_FOUND', 69, 'The group id was not found'), 'g')).toBe('absent');
  });

  it('takes "not empty" as members still leaving', () => {
    expect(groupDeletionOutcome(answered('NON_EMPTY_GROUP', 68, 'The group is not empty'), 'g')).toBe('members');
  });

  it('ends with Kafka’s reason on any other answer, a refused authorization included', () => {
    const refused = answered(
      'GROUP_AUTHORIZATION_FAILED',
      30,
      'Not authorized to access group: Group authorization failed',
    );
    let thrown: unknown;
    try {
      groupDeletionOutcome(refused, 'g');
    } catch (error) {
      thrown = error;
    }
    expect(isFlowwatchError(thrown, 'FW_KAFKA_REFUSED')).toBe(true);
    expect((thrown as Error).message).toBe(
      'Kafka refused to delete the offsets of group g: Not authorized to access group: Group authorization failed (GROUP_AUTHORIZATION_FAILED)',
    );
  });

  it('gives members that stay one sentence after its patience, and never deletes meanwhile', async () => {
    let calls = 0;
    const admin = {
      deleteGroups: async () => {
        calls++;
        throw answered('NON_EMPTY_GROUP', 68, 'The group is not empty');
      },
    } as unknown as Admin;
    await expect(deleteGroupOffsets(admin, 'g', 0)).rejects.toThrow(
      /^group g still has members after 0 s: stop the consumers of that group, or name another \(FLOWWATCH_GROUP\)$/,
    );
    expect(calls).toBe(1);
  });

  it('tries again while members are leaving, and deletes once they have left', async () => {
    vi.useFakeTimers();
    let calls = 0;
    const admin = {
      deleteGroups: async () => {
        calls++;
        if (calls < 3) throw answered('NON_EMPTY_GROUP', 68, 'The group is not empty');
      },
    } as unknown as Admin;
    const deleted = deleteGroupOffsets(admin, 'g', 15_000);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(deleted).resolves.toBeUndefined();
    expect(calls).toBe(3);
  });
});
