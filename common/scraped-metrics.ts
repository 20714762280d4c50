// Prometheus counters and gauges whose values are read, when scraped, from figures the process keeps
// anyway (a run's summary, a member's statistics, the last dashboard snapshot): nothing is done
// for them between scrapes, so the hot path pays nothing for its metrics.
import { Counter, Gauge, type Registry } from 'prom-client';

export type MetricLabels<L extends string> = Readonly<Record<L, string | number>>;

/** What a metric is worth now: one number, one per label set, or undefined for no sample at all. */
export type MetricReading<L extends string> = number | undefined | Iterable<readonly [MetricLabels<L>, number]>;

export interface ScrapedMetric<L extends string> {
  /** `flowwatch_...`, in base units, `_total` for a counter. */
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
  readonly read: () => MetricReading<L> | Promise<MetricReading<L>>;
}

/**
 * A counter that reports a running total kept elsewhere (prom-client's counters only go up by `inc`,
 * so it is set afresh at each scrape). A total that starts again from 0, as after a fresh run,
 * is a counter reset, which Prometheus' rate() and increase() handle.
 */
export function scrapedCounter<L extends string>(registry: Registry, metric: ScrapedMetric<L>): Counter<L> {
  const counter: Counter<L> = new Counter<L>({
    name: metric.name,
    help: metric.help,
    labelNames: metric.labelNames ?? [],
    registers: [registry],
    collect: async () => {
      const reading = await metric.read();
      counter.reset();
      if (reading === undefined) counter.remove({});
      else if (typeof reading === 'number') counter.inc(reading);
      else for (const [labels, value] of reading) counter.inc(labels, value);
    },
  });
  return counter;
}

/** A gauge read at each scrape; a reading of undefined leaves it without a sample (unknown, not 0). */
export function scrapedGauge<L extends string>(registry: Registry, metric: ScrapedMetric<L>): Gauge<L> {
  const gauge: Gauge<L> = new Gauge<L>({
    name: metric.name,
    help: metric.help,
    labelNames: metric.labelNames ?? [],
    registers: [registry],
    collect: async () => {
      const reading = await metric.read();
      gauge.reset();
      if (reading === undefined) gauge.remove({});
      else if (typeof reading === 'number') gauge.set(reading);
      else for (const [labels, value] of reading) gauge.set(labels, value);
    },
  });
  return gauge;
}
