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
 * What a counter and a gauge share: name, help, labels, and a collect that writes each scrape's
 * reading afresh after a reset (`write` is `inc` on a counter, `set` on a gauge). prom-client calls
 * `collect` on the metric itself.
 */
function scrapedOptions<L extends string, M extends Counter<L> | Gauge<L>>(
  registry: Registry,
  metric: ScrapedMetric<L>,
  write: (target: M, value: number, labels?: MetricLabels<L>) => void,
) {
  return {
    name: metric.name,
    help: metric.help,
    labelNames: metric.labelNames ?? [],
    registers: [registry],
    async collect(this: M) {
      const reading = await metric.read();
      this.reset();
      if (reading === undefined) this.remove({});
      else if (typeof reading === 'number') write(this, reading);
      else for (const [labels, value] of reading) write(this, value, labels);
    },
  };
}

/**
 * A counter that reports a running total kept elsewhere (prom-client's counters only go up by `inc`,
 * so it is set afresh at each scrape). A total that starts again from 0, as after a fresh run,
 * is a counter reset, which Prometheus' rate() and increase() handle.
 */
export function scrapedCounter<L extends string>(registry: Registry, metric: ScrapedMetric<L>): Counter<L> {
  return new Counter<L>(
    scrapedOptions(registry, metric, (counter: Counter<L>, value, labels) =>
      labels === undefined ? counter.inc(value) : counter.inc(labels, value),
    ),
  );
}

/** A gauge read at each scrape; a reading of undefined leaves it without a sample (unknown, not 0). */
export function scrapedGauge<L extends string>(registry: Registry, metric: ScrapedMetric<L>): Gauge<L> {
  return new Gauge<L>(
    scrapedOptions(registry, metric, (gauge: Gauge<L>, value, labels) =>
      labels === undefined ? gauge.set(value) : gauge.set(labels, value),
    ),
  );
}

/** One row of a table of counters read from the same source. */
export interface CounterRow<S> {
  readonly name: string;
  readonly help: string;
  readonly read: (source: S) => number;
}

/**
 * A counter for each row, each read from what `source` gives at the scrape; when it gives
 * undefined (not known yet, or not now), none has a sample.
 */
export function scrapedCounters<S>(
  registry: Registry,
  source: () => S | undefined,
  rows: readonly CounterRow<S>[],
): void {
  for (const { name, help, read } of rows) {
    scrapedCounter(registry, {
      name,
      help,
      read: () => {
        const known = source();
        return known === undefined ? undefined : read(known);
      },
    });
  }
}
