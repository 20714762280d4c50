import { describe, expect, it } from 'vitest';
import { formatCount, perSecond } from '../../../display/index.ts';

describe('number format', () => {
  it('gives a rate per second from a count and milliseconds, and 0 for no time at all', () => {
    expect(perSecond(5000, 2000)).toBe(2500);
    expect(perSecond(1, 3)).toBeCloseTo(1 / 0.003, 9);
    expect(perSecond(5000, 0)).toBe(0);
    expect(perSecond(0, 0)).toBe(0);
  });

  it('writes counts with thousands separators', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
  });
});
