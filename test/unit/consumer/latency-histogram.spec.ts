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

  it('counts exactly how many values are at most each 2^k - 1 ms edge, as a Prometheus histogram needs', () => {
    const histogram = new LatencyHistogram();
    const values = [0, 0, 1, 2, 3, 4, 6, 7, 8, 100, 127, 128, 1023, 1024, 60_000, 600_000, 5_000_000];
    for (const ms of values) histogram.record(ms);
    const counts = histogram.countsAtDoublings();
    expect(counts.map((c) => c.upToMs)).toEqual(Array.from({ length: 19 }, (_, i) => 2 ** (i + 1) - 1));
    for (const { upToMs, count } of counts) {
      expect(count, `<= ${upToMs} ms`).toBe(values.filter((ms) => ms <= upToMs).length);
    }
    expect(histogram.count).toBe(values.length);
    expect(histogram.sumMs).toBe(values.reduce((sum, ms) => sum + ms, 0));
  });

  it('keeps latencies beyond its top edge (2^20 - 1 ms, about 18 minutes) in its top bucket', () => {
    const histogram = new LatencyHistogram();
    for (const ms of [1, 5_000_000, 6_000_000, 7_000_000]) histogram.record(ms);
    // The median is one of the long ones: the top bucket's edge, as far as the buckets reach. Were
    // they lost from the buckets, no bucket would reach the rank and the maximum would be answered.
    expect(histogram.quantile(0.5)).toBe(2 ** 20 - 1);
    expect(histogram.quantile(0.25)).toBe(1);
    expect(histogram.summary().maxMs).toBe(7_000_000);
  });

  it('reports zeros when empty and clamps clock skew to zero', () => {
    const histogram = new LatencyHistogram();
    expect(histogram.summary()).toEqual({ count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 });
    histogram.record(-5);
    histogram.record(-1000);
    // A negative latency (the publisher's clock ahead of ours) is recorded as 0 ms: counted in the
    // first bucket, adding nothing to the sum.
    expect(histogram.count).toBe(2);
    expect(histogram.countsAtDoublings()[0]).toEqual({ upToMs: 1, count: 2 });
    expect(histogram.sumMs).toBe(0);
    expect(histogram.summary()).toEqual({ count: 2, p50Ms: 0, p99Ms: 0, maxMs: 0 });
  });
});
