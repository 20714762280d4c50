import { afterEach, describe, expect, it, vi } from 'vitest';
import { pause, waitUntil } from '../../../runtime/index.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('waitUntil', () => {
  it('resolves with the first value that is neither undefined nor false, a throw counting as not yet', async () => {
    vi.useFakeTimers();
    const answers = [undefined, false, new Error('away'), 'ready'];
    let asked = 0;
    const waited = waitUntil(
      () => {
        const answer = answers[asked++];
        if (answer instanceof Error) throw answer;
        return answer;
      },
      { intervalMs: 100 },
    );
    await vi.advanceTimersByTimeAsync(300);
    await expect(waited).resolves.toBe('ready');
    expect(asked).toBe(4);
  });

  it('times out saying what it waited for and the last error', async () => {
    vi.useFakeTimers();
    const waited = waitUntil(
      () => {
        throw new Error('connection refused');
      },
      { timeoutMs: 250, intervalMs: 100, what: 'Redis' },
    ).catch((error: Error) => error.message);
    await vi.advanceTimersByTimeAsync(400);
    expect(await waited).toBe('timed out after 250 ms waiting for Redis (last error: connection refused)');
  });

  it('stops waiting, resolving undefined, as soon as its signal aborts mid-pause', async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    let asked = 0;
    const waited = waitUntil(
      () => {
        asked++;
        return false;
      },
      { intervalMs: 10_000, signal: stop.signal },
    );
    await vi.advanceTimersByTimeAsync(0);
    stop.abort();
    await expect(waited).resolves.toBeUndefined();
    expect(asked).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('pause', () => {
  it('resolves after its time, or at once when its signal has aborted', async () => {
    vi.useFakeTimers();
    let done = false;
    const paused = pause(500).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await paused;
    expect(done).toBe(true);
    const stopped = new AbortController();
    stopped.abort();
    await pause(60_000, stopped.signal);
    expect(vi.getTimerCount()).toBe(0);
  });
});
