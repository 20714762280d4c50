import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ErrorCode,
  isFlowwatchError,
  raceBounds,
  settlesWithin,
  unlessStopped,
  within,
} from '../../../runtime/index.ts';

afterEach(() => {
  vi.useRealTimers();
});

const never = () => new Promise<never>(() => {});

describe('within', () => {
  it('settles as the work does when it is in time, and leaves no timer behind', async () => {
    vi.useFakeTimers();
    await expect(within(Promise.resolve('here'), 1000, 'an answer')).resolves.toBe('here');
    await expect(within(Promise.reject(new Error('refused')), 1000, 'an answer')).rejects.toThrow('refused');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects once the bound has passed, saying what it waited for, or with the error it is given', async () => {
    vi.useFakeTimers();
    const named = within(never(), 1000, 'an answer');
    const given = within(never(), 1000, () => new Error('Redis did not answer'));
    const outcomes = Promise.allSettled([named, given]);
    await vi.advanceTimersByTimeAsync(999);
    expect(vi.getTimerCount()).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    const [first, second] = await outcomes;
    expect(first).toMatchObject({
      status: 'rejected',
      reason: { message: 'timed out after 1000 ms waiting for an answer' },
    });
    expect(second).toMatchObject({ status: 'rejected', reason: { message: 'Redis did not answer' } });
  });
});

describe('settlesWithin', () => {
  it('is true when the work settles in time and false after the bound, passing a failure in time on', async () => {
    vi.useFakeTimers();
    await expect(settlesWithin(Promise.resolve(1), 1000)).resolves.toBe(true);
    await expect(settlesWithin(Promise.reject(new Error('refused')), 1000)).rejects.toThrow('refused');
    const late = settlesWithin(never(), 1000);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(late).resolves.toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('unlessStopped', () => {
  it('settles as the work does while no stop comes, and leaves no listener behind', async () => {
    const stop = new AbortController();
    const add = vi.spyOn(stop.signal, 'addEventListener');
    const remove = vi.spyOn(stop.signal, 'removeEventListener');
    await expect(unlessStopped(Promise.resolve('done'), stop.signal, 'before publishing')).resolves.toBe('done');
    expect(remove).toHaveBeenCalledWith('abort', add.mock.calls[0]?.[1]);
  });

  it('rejects with FW_INTERRUPTED naming the signal and what was left undone, as soon as the stop comes', async () => {
    const stop = new AbortController();
    const stopped = unlessStopped(never(), stop.signal, 'before anything was published');
    stop.abort('SIGTERM');
    const error = await stopped.catch((caught: unknown) => caught);
    expect(isFlowwatchError(error, ErrorCode.INTERRUPTED)).toBe(true);
    expect((error as Error).message).toBe('stopped by SIGTERM before anything was published');
  });

  it('rejects at once when the stop came before the call', async () => {
    const stop = new AbortController();
    stop.abort('SIGINT');
    const error = await unlessStopped(never(), stop.signal, 'before the topic was read').catch(
      (caught: unknown) => caught,
    );
    expect((error as Error).message).toBe('stopped by SIGINT before the topic was read');
  });
});

describe('raceBounds', () => {
  it('takes whichever bound comes first, timer or stop, and clears the other', async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    const raced = raceBounds(never(), {
      timeoutMs: 1000,
      late: () => 'late',
      signal: stop.signal,
      stopped: () => 'stopped',
    });
    await vi.advanceTimersByTimeAsync(500);
    stop.abort();
    await expect(raced).resolves.toBe('stopped');
    expect(vi.getTimerCount()).toBe(0);
  });
});
