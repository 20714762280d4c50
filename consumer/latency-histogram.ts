// Event latency (a flow's publish time to the moment its count is applied) in fixed log-scaled
// buckets: recording is a little arithmetic per message, no allocation.

/** Bucket i covers [edge(i), edge(i+1)) ms; 8 buckets per doubling, up to about 18 minutes. */
const BUCKETS_PER_DOUBLING = 8;
const BUCKET_COUNT = 20 * BUCKETS_PER_DOUBLING;

const edge = (bucket: number) => 2 ** (bucket / BUCKETS_PER_DOUBLING) - 1;

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  private total = 0;
  private maxMs = 0;

  record(ms: number): void {
    const value = Math.max(ms, 0);
    const bucket = Math.min(BUCKET_COUNT - 1, Math.floor(Math.log2(value + 1) * BUCKETS_PER_DOUBLING));
    this.counts[bucket] = (this.counts[bucket] as number) + 1;
    this.total++;
    if (value > this.maxMs) this.maxMs = value;
  }

  get count(): number {
    return this.total;
  }

  /** The latency below which `fraction` of the recorded values fall (upper edge of its bucket). */
  quantile(fraction: number): number {
    if (this.total === 0) return 0;
    const rank = fraction * this.total;
    let seen = 0;
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket++) {
      seen += this.counts[bucket] as number;
      if (seen >= rank) return Math.min(this.maxMs, edge(bucket + 1));
    }
    return this.maxMs;
  }

  summary(): { count: number; p50Ms: number; p99Ms: number; maxMs: number } {
    const round = (ms: number) => Math.round(ms * 10) / 10;
    return {
      count: this.total,
      p50Ms: round(this.quantile(0.5)),
      p99Ms: round(this.quantile(0.99)),
      maxMs: round(this.maxMs),
    };
  }
}
