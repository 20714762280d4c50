// Prometheus metrics: a registry per process, its scraped counters and gauges, served over HTTP.
export { DEFAULT_METRICS_HOST } from './metrics-host.ts';
export {
  createMetricsRegistry,
  METRICS_PATH,
  MetricsServer,
  type MetricsServerOptions,
  serveMetrics,
} from './metrics-server.ts';
export {
  type CounterRow,
  type MetricLabels,
  scrapedCounter,
  scrapedCounters,
  scrapedGauge,
} from './scraped-metrics.ts';
export { stateWatermarkGauge } from './state-metrics.ts';
