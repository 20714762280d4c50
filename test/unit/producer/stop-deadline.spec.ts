import { afterEach, describe, expect, it, vi } from 'vitest';
import { StopDeadline } from '../../../producer/stop-deadline.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('the bound on deliveries after a stop', () => {
  it('waits for the work while no stop is asked for, and keeps nothing of a wait once it is over', async () => {
    const stop = new AbortController();
    const deadline = new StopDeadline(stop.signal, 5000);
    for (let i = 0; i < 10_000; i++) await deadline.race(Promise.resolve(i));
    let finish: () => void = () => {};
    const work = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const waited = deadline.race(work);
    expect(deadline.waits).toBe(1);
    finish();
    await waited;
    expect(deadline.waits).toBe(0);
    expect(deadline.expired).toBe(false);
    deadline.dispose();
  });

  it('ends every wait once the bound after the stop signal has passed, and later waits at once', async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    const deadline = new StopDeadline(stop.signal, 5000);
    const never = new Promise<void>(() => {});
    const waits = [deadline.race(never), deadline.race(never)];
    stop.abort();
    await vi.advanceTimersByTimeAsync(4999);
    expect(deadline.expired).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(waits);
    expect(deadline.expired).toBe(true);
    expect(deadline.waits).toBe(0);
    await deadline.race(never);
    deadline.dispose();
  });

  it('passes on the failure of the work it waits for', async () => {
    const deadline = new StopDeadline(undefined, 5000);
    await expect(deadline.race(Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(deadline.waits).toBe(0);
  });

  it('starts the bound at once when the stop came before it was made', async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    stop.abort();
    const deadline = new StopDeadline(stop.signal, 5000);
    const wait = deadline.race(new Promise<void>(() => {}));
    await vi.advanceTimersByTimeAsync(5000);
    await wait;
    expect(deadline.expired).toBe(true);
    deadline.dispose();
  });

  it('sets no bound once disposed, neither for a stop that comes later nor for one under way', async () => {
    vi.useFakeTimers();
    const later = new AbortController();
    const unused = new StopDeadline(later.signal, 5000);
    unused.dispose();
    later.abort();
    expect(vi.getTimerCount()).toBe(0);

    const stop = new AbortController();
    const deadline = new StopDeadline(stop.signal, 5000);
    stop.abort();
    deadline.dispose();
    await vi.advanceTimersByTimeAsync(5000);
    expect(deadline.expired).toBe(false);
  });
});
