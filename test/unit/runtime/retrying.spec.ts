import { afterEach, describe, expect, it, vi } from 'vitest';
import { ABANDONED, doubling, retrying } from '../../../runtime/index.ts';
import { answering } from '../../support/scripted-answers.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('retrying', () => {
  it('tries again after each retriable error, telling onRetry, until the call answers', async () => {
    const { call, calls } = answering(new Error('away'), new Error('still away'), 'here');
    const told: string[] = [];
    const answer = await retrying(call, {
      timeoutMs: 10_000,
      intervalMs: 0,
      onRetry: (error) => told.push((error as Error).message),
    });
    expect(answer).toBe('here');
    expect(calls()).toBe(3);
    expect(told).toEqual(['away', 'still away']);
  });

  it('throws an error that is not retriable at once', async () => {
    const { call, calls } = answering(new TypeError('a bug'), 'here');
    await expect(
      retrying(call, { timeoutMs: 10_000, intervalMs: 0, retriable: (error) => !(error instanceof TypeError) }),
    ).rejects.toThrow('a bug');
    expect(calls()).toBe(1);
  });

  it('throws the last error once the deadline has passed', async () => {
    const { call, calls } = answering(new Error('first'), new Error('last'));
    await expect(retrying(call, { timeoutMs: -1, intervalMs: 0 })).rejects.toThrow('first');
    expect(calls()).toBe(1);
    const later = answering<string>(new Error('away'));
    await expect(retrying(later.call, { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow('away');
    expect(later.calls()).toBeGreaterThan(1);
  });

  it('pauses as its schedule says, doubling up to the cap, and gives up with the last error when the schedule ends', async () => {
    vi.useFakeTimers();
    const { call: fails, calls } = answering<string>(new Error('away'));
    const at: number[] = [];
    const call = () => {
      at.push(Date.now());
      return fails();
    };
    const tried: number[] = [];
    const pauses = doubling(100, 300);
    const retried = retrying(call, {
      intervalMs: (failures) => (failures <= 4 ? pauses(failures) : undefined),
      onRetry: (_error, failures) => tried.push(failures),
    }).catch((error: Error) => error.message);
    await vi.runAllTimersAsync();
    expect(await retried).toBe('away');
    expect(calls()).toBe(5);
    expect(at.slice(1).map((time, i) => time - (at[i] as number))).toEqual([100, 200, 300, 300]);
    expect(tried).toEqual([1, 2, 3, 4]);
  });

  it('runs `between` after each pause, before the next try', async () => {
    vi.useFakeTimers();
    const { call, calls } = answering(new Error('away'), 'here');
    const seen: number[] = [];
    const retried = retrying(call, {
      intervalMs: 50,
      between: async () => {
        seen.push(calls());
      },
    });
    await vi.advanceTimersByTimeAsync(49);
    expect(seen).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await retried).toBe('here');
    expect(seen).toEqual([1]);
  });

  it('abandons before the pause when told to stop, and after the pause when told meanwhile', async () => {
    vi.useFakeTimers();
    const before = answering<string>(new Error('away'));
    await expect(retrying(before.call, { intervalMs: 1000, keepGoing: () => false })).resolves.toBe(ABANDONED);
    expect(before.calls()).toBe(1);
    expect(vi.getTimerCount()).toBe(0);

    let going = true;
    const during = answering<string>(new Error('away'));
    const retried = retrying(during.call, { intervalMs: 1000, keepGoing: () => going });
    await vi.advanceTimersByTimeAsync(500);
    going = false;
    await vi.advanceTimersByTimeAsync(500);
    await expect(retried).resolves.toBe(ABANDONED);
    expect(during.calls()).toBe(1);
  });

  it('throws an error that is not retriable even while told to keep going', async () => {
    const { call } = answering<string>(new TypeError('a bug'));
    await expect(retrying(call, { intervalMs: 0, retriable: () => false, keepGoing: () => true })).rejects.toThrow(
      'a bug',
    );
  });
});
