import { describe, expect, it } from 'vitest';
import { retrying } from '../../../runtime/index.ts';
import { answering } from '../../support/scripted-answers.ts';

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
});
