import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../producer/index.ts';

describe('Pacer', () => {
  it('spaces flows 1/rate apart', () => {
    let now = 1000;
    const pacer = new Pacer({ rate: 100 }, () => now);
    expect(pacer.delayMs(0)).toBe(0);
    expect(pacer.delayMs(0)).toBe(10);
    now += 15;
    expect(pacer.delayMs(0)).toBe(5);
    now += 100;
    expect(pacer.delayMs(0)).toBe(0);
  });

  it('replays event time x times faster', () => {
    let now = 0;
    const pacer = new Pacer({ speedup: 3600 }, () => now);
    expect(pacer.delayMs(118_800)).toBe(0);
    // One hour of event time later: one second of wall time.
    expect(pacer.delayMs(118_800 + 3600)).toBe(1000);
    now = 400;
    expect(pacer.delayMs(118_800 + 1800)).toBe(100);
    // Out-of-order (earlier) flows are due at once.
    expect(pacer.delayMs(118_000)).toBe(0);
  });

  it('holds 1,000 flows/s over ten simulated seconds', () => {
    let now = 0;
    const pacer = new Pacer({ rate: 1000 }, () => now);
    let sent = 0;
    while (now < 10_000) {
      const wait = pacer.delayMs(0);
      now += wait;
      if (now < 10_000) sent++;
    }
    expect(sent).toBe(10_000);
  });

  it('never asks for a wait longer than a Node timer holds, which Node would cut to 1 ms', () => {
    const pacer = new Pacer({ speedup: 0.001 }, () => 0);
    expect(pacer.delayMs(0)).toBe(0);
    // Ten days of event time at 1/1000 of real time: 27 years, far past a timer's 24.8 days.
    const wait = pacer.delayMs(864_000);
    expect(wait).toBeGreaterThan(24 * 86_400_000);
    expect(wait).toBeLessThanOrEqual(2 ** 31 - 1);
  });
});
