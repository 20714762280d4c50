import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../consumer/latency-histogram.ts';

describe('LatencyHistogram', () => {
  it('gives quantiles within a bucket (about 9%) of the true value', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
    expect(histogram.count).toBe(1000);
    expect(histogram.quantile(0.5)).toBeGreaterThanOrEqual(500);
    expect(histogram.quantile(0.5)).toBeLessThan(500 * 1.1);
    expect(histogram.quantile(0.99)).toBeGreaterThanOrEqual(990);
    expect(histogram.quantile(0.99)).toBeLessThanOrEqual(1000);
    expect(histogram.summary().maxMs).toBe(1000);
  });

  it('reports zeros when empty and clamps clock skew to zero', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.summary()).toEqual({ count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 });
    histogram.record(-5);
    expect(histogram.quantile(0.5)).toBe(0);
  });
});
