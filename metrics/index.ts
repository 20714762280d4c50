// Prometheus metrics: a registry per process, served over HTTP to the names the operator allows.
export { HostAllowList } from './allowed-hosts.ts';
export {
  createMetricsRegistry,
  DEFAULT_METRICS_HOST,
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
