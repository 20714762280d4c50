// The member's event latency as a Prometheus histogram, read from its LatencyHistogram when scraped.
// prom-client's Histogram counts only values handed to observe(), one call per value; the hot path
// makes no such call (it records into the LatencyHistogram it keeps anyway), so this histogram
// reports that one's counts instead, at its bucket edges 1, 3, 7, ... 2^k - 1 ms, where they are exact.
import { Histogram, type Registry } from 'prom-client';
import type { LatencyHistogram } from './latency-histogram.ts';

/** One line of the exposition, in the shape prom-client's registry writes out. */
interface ExposedValue {
  readonly metricName: string;
  readonly labels: Readonly<Record<string, string | number>>;
  readonly sharedLabels: Readonly<Record<string, string>>;
  readonly value: number;
}

export class LatencyMetric extends Histogram {
  private readonly source: LatencyHistogram;
  private readonly exposedName: string;
  private readonly exposedHelp: string;

  constructor(registry: Registry, name: string, help: string, source: LatencyHistogram) {
    const edgesSeconds = source.countsAtDoublings().map((bucket) => bucket.upToMs / 1000);
    super({ name, help, buckets: edgesSeconds, registers: [registry] });
    this.source = source;
    this.exposedName = name;
    this.exposedHelp = help;
  }

  /**
   * What prom-client's registry writes out for this metric (and what its `get()` builds on). Not in
   * prom-client's typings: if a release renames it, the buckets read 0 and the metrics test fails.
   */
  async getForPromString(): Promise<{
    name: string;
    help: string;
    type: 'histogram';
    values: ExposedValue[];
    aggregator: 'sum';
  }> {
    const name = this.exposedName;
    const line = (metricName: string, labels: ExposedValue['labels'], value: number): ExposedValue => ({
      metricName,
      labels,
      sharedLabels: {},
      value,
    });
    const values = this.source
      .countsAtDoublings()
      .map(({ upToMs, count }) => line(`${name}_bucket`, { le: upToMs / 1000 }, count));
    values.push(
      line(`${name}_bucket`, { le: '+Inf' }, this.source.count),
      line(`${name}_sum`, {}, this.source.sumMs / 1000),
      line(`${name}_count`, {}, this.source.count),
    );
    return { name, help: this.exposedHelp, type: 'histogram', values, aggregator: 'sum' };
  }
}
