import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitForInput } from '../../../producer/input-wait.ts';

afterEach(() => {
  vi.useRealTimers();
});

const chunk = (value: string): Promise<IteratorResult<string>> => Promise.resolve({ done: false, value });

describe('the wait for the next chunk of input', () => {
  it('gives the chunk, and leaves no timer and no stop listener behind', async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    for (let i = 0; i < 1000; i++) {
      expect(await waitForInput(chunk(`c${i}`), { afterMs: 100 }, stop.signal)).toEqual({
        kind: 'chunk',
        next: { done: false, value: `c${i}` },
      });
    }
    expect(vi.getTimerCount()).toBe(0);
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
  });

  it('ends when the batch in hand has lingered long enough, and waits again for the same chunk', async () => {
    vi.useFakeTimers();
    const stop = new AbortController();
    let deliver: (result: IteratorResult<string>) => void = () => {};
    const next = new Promise<IteratorResult<string>>((resolve) => {
      deliver = resolve;
    });
    const first = waitForInput(next, { afterMs: 100 }, stop.signal);
    await vi.advanceTimersByTimeAsync(100);
    expect(await first).toEqual({ kind: 'linger' });
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    // Nothing in hand any more: no linger, only the input.
    const second = waitForInput(next, undefined, stop.signal);
    expect(vi.getTimerCount()).toBe(0);
    deliver({ done: true, value: undefined });
    expect(await second).toEqual({ kind: 'chunk', next: { done: true, value: undefined } });
  });

  it('ends once the batch in flight is delivered, delivered or not, without a timer', async () => {
    vi.useFakeTimers();
    const silent = new Promise<IteratorResult<string>>(() => {});
    let acknowledge: () => void = () => {};
    const delivered = new Promise<void>((resolve) => {
      acknowledge = resolve;
    });
    const waiting = waitForInput(silent, { delivered }, undefined);
    expect(vi.getTimerCount()).toBe(0);
    acknowledge();
    expect(await waiting).toEqual({ kind: 'linger' });
    const failed = Promise.reject(new Error('not acknowledged'));
    expect(await waitForInput(silent, { delivered: failed }, undefined)).toEqual({ kind: 'linger' });
  });

  it('ends at a stop signal while the input is silent', async () => {
    const stop = new AbortController();
    const silent = new Promise<IteratorResult<string>>(() => {});
    const waiting = waitForInput(silent, undefined, stop.signal);
    stop.abort();
    expect(await waiting).toEqual({ kind: 'stopped' });
    expect(await waitForInput(silent, { afterMs: 100 }, stop.signal)).toEqual({ kind: 'stopped' });
  });

  it('passes on a failed read', async () => {
    await expect(waitForInput(Promise.reject(new Error('corrupt')), { afterMs: 100 }, undefined)).rejects.toThrow(
      'corrupt',
    );
  });
});
