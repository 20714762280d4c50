// Event latency (a flow's publish time to the moment its count is applied) in fixed log-scaled
// buckets: recording is a little arithmetic per message, no allocation.

/**
 * Bucket i covers (edge(i), edge(i+1)] ms (bucket 0 also holds 0); 8 buckets per doubling, up to about
 * 18 minutes. Upper edges are inclusive, like a Prometheus histogram's `le`.
 */
const BUCKETS_PER_DOUBLING = 8;
const DOUBLINGS = 20;
const BUCKET_COUNT = DOUBLINGS * BUCKETS_PER_DOUBLING;

const edge = (bucket: number) => 2 ** (bucket / BUCKETS_PER_DOUBLING) - 1;

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKET_COUNT);
  private total = 0;
  private sum = 0;
  private maxMs = 0;

  record(ms: number): void {
    const value = Math.max(ms, 0);
    const bucket = Math.min(BUCKET_COUNT - 1, Math.max(0, Math.ceil(Math.log2(value + 1) * BUCKETS_PER_DOUBLING) - 1));
    this.counts[bucket] = (this.counts[bucket] as number) + 1;
    this.total++;
    this.sum += value;
    if (value > this.maxMs) this.maxMs = value;
  }

  /** Adds every value `other` recorded. */
  merge(other: LatencyHistogram): void {
    if (other.total === 0) return;
    for (let bucket = 0; bucket < BUCKET_COUNT; bucket++) {
      this.counts[bucket] = (this.counts[bucket] as number) + (other.counts[bucket] as number);
    }
    this.total += other.total;
    this.sum += other.sum;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  get count(): number {
    return this.total;
  }

  get sumMs(): number {
    return this.sum;
  }

  /**
   * Values recorded at most 1, 3, 7, ... 2^k - 1 ms, for k = 1 up to the last edge below the top
   * bucket (which also holds everything above it): exact counts, because these are bucket edges.
   */
  countsAtDoublings(): { readonly upToMs: number; readonly count: number }[] {
    const counts: { upToMs: number; count: number }[] = [];
    let seen = 0;
    for (let bucket = 0; bucket < BUCKET_COUNT - BUCKETS_PER_DOUBLING; bucket++) {
      seen += this.counts[bucket] as number;
      if ((bucket + 1) % BUCKETS_PER_DOUBLING === 0) counts.push({ upToMs: edge(bucket + 1), count: seen });
    }
    return counts;
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

  /** In an event stream, a histogram is its summary. */
  toJSON(): ReturnType<LatencyHistogram['summary']> {
    return this.summary();
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
