import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConsumerEvents, consumerInstrumentation } from '../../../consumer/consumer-events.ts';
import { PartitionFencing } from '../../../consumer/partition-fencing.ts';
import type { RetryControl } from '../../../consumer/redis-retry.ts';
import { ErrorCode, FlowwatchError } from '../../../runtime/index.ts';
import { type PartitionId, partitionId, type StateWriter } from '../../../state/index.ts';
import { recordedLog } from '../../support/recorded-log.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A state whose claims answer from a script: an epoch, or an error to throw; each claim is recorded. */
function scriptedState(...answers: (number | Error)[]) {
  const claims: { ids: readonly PartitionId[]; floor: number }[] = [];
  const state = {
    claim: async (ids: readonly PartitionId[], floor: number) => {
      claims.push({ ids, floor });
      const answer = answers[Math.min(claims.length - 1, answers.length - 1)] as number | Error;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  } as unknown as StateWriter;
  return { state, claims };
}

function fencing(state: StateWriter, control: RetryControl = { keepGoing: () => true }) {
  const events = consumerInstrumentation();
  const claimed: { epoch: number; partitions: readonly PartitionId[] }[] = [];
  events.on(ConsumerEvents.PARTITIONS_CLAIMED, (event) => claimed.push(event.payload));
  const failures: Error[] = [];
  const { log, messages } = recordedLog();
  const subject = new PartitionFencing(state, events, log, control, (error) => failures.push(error));
  return { subject, claimed, failures, messages };
}

const p0 = partitionId('flows', 0);
const p1 = partitionId('flows', 1);
const p2 = partitionId('flows', 2);

describe('partition fencing', () => {
  it('claims the partitions of an assignment and holds them under the epoch the state gave', async () => {
    const { state, claims } = scriptedState(5);
    const { subject, claimed } = fencing(state);
    subject.assigned({ flows: [0, 1] });
    expect(await subject.epochOf(p0)).toBe(5);
    expect(await subject.epochOf(p1)).toBe(5);
    expect(await subject.epochOf(p2)).toBeUndefined();
    expect(claims).toEqual([{ ids: [p0, p1], floor: 0 }]);
    expect(claimed).toEqual([{ epoch: 5, partitions: [p0, p1] }]);
  });

  it('makes a write wait for the claim under way', async () => {
    let answer: (epoch: number) => void = () => {};
    const state = {
      claim: () =>
        new Promise<number>((resolve) => {
          answer = resolve;
        }),
    } as unknown as StateWriter;
    const { subject } = fencing(state);
    subject.assigned({ flows: [0] });
    let epoch: number | undefined;
    const asked = subject.epochOf(p0).then((value) => {
      epoch = value;
    });
    await Promise.resolve();
    expect(epoch).toBeUndefined();
    answer(3);
    await asked;
    expect(epoch).toBe(3);
  });

  it('forgets the old partitions on a new assignment, and claims above the highest epoch it held', async () => {
    const { state, claims } = scriptedState(5, 9);
    const { subject } = fencing(state);
    subject.assigned({ flows: [0, 1] });
    await subject.epochOf(p0);
    subject.assigned({ flows: [2] });
    expect(await subject.epochOf(p2)).toBe(9);
    expect(await subject.epochOf(p0)).toBeUndefined();
    expect([...subject.owned]).toEqual([[p2, 9]]);
    expect(claims[1]).toEqual({ ids: [p2], floor: 5 });
  });

  it('asks nothing of the state for an empty assignment', async () => {
    const { state, claims } = scriptedState(5);
    const { subject, claimed } = fencing(state);
    subject.assigned({});
    subject.assigned({ flows: [] });
    await subject.epochOf(p0);
    expect(claims).toEqual([]);
    expect(claimed).toEqual([]);
  });

  it('reclaims one partition that an older claim took, keeping the others', async () => {
    const { state, claims } = scriptedState(5, 6);
    const { subject, messages } = fencing(state);
    subject.assigned({ flows: [0, 1] });
    await subject.epochOf(p0);
    subject.reclaim(p1);
    expect(await subject.epochOf(p1)).toBe(6);
    expect(await subject.epochOf(p0)).toBe(5);
    expect(claims[1]).toEqual({ ids: [p1], floor: 5 });
    expect(messages()).toContain('partition claimed by an older epoch; reclaiming');
  });

  it('claims through a Redis outage', async () => {
    vi.useFakeTimers();
    const { state, claims } = scriptedState(new FlowwatchError(ErrorCode.REDIS_UNREACHABLE, 'away'), 4);
    const { subject, failures } = fencing(state);
    subject.assigned({ flows: [0] });
    const epoch = subject.epochOf(p0);
    await vi.runAllTimersAsync();
    expect(await epoch).toBe(4);
    expect(claims).toHaveLength(2);
    expect(failures).toEqual([]);
  });

  it('ends the member, holding nothing, when the state refuses the claim for good', async () => {
    const refusal = new FlowwatchError(ErrorCode.STATE_OTHER_GROUP, 'another group counts into this state');
    const { state } = scriptedState(refusal);
    const { subject, failures, claimed } = fencing(state);
    subject.assigned({ flows: [0] });
    expect(await subject.epochOf(p0)).toBeUndefined();
    expect(failures).toEqual([refusal]);
    expect(claimed).toEqual([]);
  });

  it('holds nothing and ends nothing when the claim is abandoned (stopping)', async () => {
    const { state } = scriptedState(new FlowwatchError(ErrorCode.REDIS_UNREACHABLE, 'away'));
    const { subject, failures, claimed } = fencing(state, { keepGoing: () => false });
    subject.assigned({ flows: [0] });
    expect(await subject.epochOf(p0)).toBeUndefined();
    expect(failures).toEqual([]);
    expect(claimed).toEqual([]);
  });
});
