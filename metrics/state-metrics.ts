// The metrics of the shared state rather than of one process, defined once for every process that
// reports them: a consumer member (read from Redis at the scrape) and the dashboard (from its last
// snapshot).
import type { Gauge, Registry } from 'prom-client';
import { type MetricReading, scrapedGauge } from './scraped-metrics.ts';

/** The state's event-time watermark; `read` gives undefined while none is known. */
export function stateWatermarkGauge(
  registry: Registry,
  read: () => MetricReading<never> | Promise<MetricReading<never>>,
): Gauge<never> {
  return scrapedGauge(registry, {
    name: 'flowwatch_state_watermark_seconds',
    help: 'The event-time watermark of the state (LANL Time, seconds): hours ending at or before it are final.',
    read,
  });
}
