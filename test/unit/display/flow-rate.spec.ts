import { describe, expect, it } from 'vitest';
import { FlowRate } from '../../../display/index.ts';

describe('FlowRate', () => {
  it('has no rate until there is an earlier reading to compare with', () => {
    expect(new FlowRate(3000).record(500, 1000)).toBeNull();
  });

  it('is the growth per second between two readings', () => {
    const rate = new FlowRate(3000);
    rate.record(1000, 0);
    expect(rate.record(6000, 500)).toBe(10_000);
  });

  it('averages over the window, so a consumer applying whole batches does not make it jump', () => {
    const rate = new FlowRate(3000);
    rate.record(0, 0);
    rate.record(20_000, 1000); // a batch landed
    rate.record(20_000, 2000); // nothing this second
    expect(rate.record(30_000, 3000)).toBe(10_000);
    // The window moves on: the reading at 0 ms is dropped once the one at 1000 ms covers 3 s.
    expect(rate.record(30_000, 4000)).toBe(10_000 / 3);
  });

  it('starts afresh when the count goes down (a fresh run reset it)', () => {
    const rate = new FlowRate(3000);
    rate.record(100_000, 0);
    expect(rate.record(0, 1000)).toBeNull();
    expect(rate.record(5000, 2000)).toBe(5000);
  });

  it('falls to 0 once the count has been still for a whole window', () => {
    const rate = new FlowRate(3000);
    for (let t = 0; t <= 2000; t += 250) rate.record(t * 5, t);
    let last: number | null = null;
    for (let t = 2250; t <= 5000; t += 250) last = rate.record(10_000, t);
    expect(last).toBe(0);
  });

  it('reports 0 while nothing moves', () => {
    const rate = new FlowRate(3000);
    rate.record(42, 0);
    expect(rate.record(42, 1000)).toBe(0);
  });
});
