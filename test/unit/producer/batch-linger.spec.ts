import { describe, expect, it } from 'vitest';
import { BatchLinger } from '../../../producer/batch-linger.ts';

describe('when a batch not yet full goes out', () => {
  it('goes once it has waited its linger since its first message', () => {
    let now = 1000;
    const linger = new BatchLinger(100, () => now);
    expect(linger.due()).toBe(false);
    expect(linger.wake()).toBeUndefined();
    linger.held();
    now += 40;
    linger.held();
    expect(linger.due()).toBe(false);
    expect(linger.wake()).toEqual({ afterMs: 60 });
    now += 60;
    expect(linger.due()).toBe(true);
    expect(linger.wake()).toEqual({ afterMs: 0 });
  });

  it('waits for the batch in flight, and starts afresh with the next message', async () => {
    let now = 0;
    const linger = new BatchLinger(100, () => now);
    let acknowledge: () => void = () => {};
    const delivery = new Promise<void>((resolve) => {
      acknowledge = resolve;
    });
    linger.held();
    linger.sent(delivery);
    // Nothing in hand, but the delivery still ends a wait for input: its refusal must not wait for a line.
    expect(linger.wake()).toEqual({ delivered: delivery });
    linger.held();
    now += 500;
    expect(linger.due()).toBe(false);
    expect(linger.wake()).toEqual({ delivered: delivery });
    acknowledge();
    await delivery;
    expect(linger.due()).toBe(true);
  });

  it('does not wait for a batch in flight that failed', async () => {
    let now = 0;
    const linger = new BatchLinger(100, () => now);
    const failed = Promise.reject(new Error('refused'));
    linger.sent(failed);
    await failed.catch(() => undefined);
    linger.held();
    now += 100;
    expect(linger.due()).toBe(true);
  });
});
