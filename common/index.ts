// What every command shares: configuration, errors, logging, Kafka and Redis set-up, signals and
// stops, instrumentation events, serving metrics, starting a flowwatch process.
export { HostAllowList } from './allowed-hosts.ts';
export { type Config, type ConfigSource, DEFAULT_GROUP, deadLetterTopic, loadConfig } from './config.ts';
export {
  ErrorCode,
  EXIT_INTERRUPTED,
  exitCodeOf,
  FlowwatchError,
  isFlowwatchError,
  isRetriable,
} from './errors.ts';
export { parseEvents, streamEvents } from './event-stream.ts';
export { FlowRate } from './flow-rate.ts';
export { spawnFlowwatch } from './flowwatch-process.ts';
export { Instrumentation, type InstrumentationEvent } from './instrumentation.ts';
export { connectAdmin, createKafka, IDEMPOTENT_PRODUCER } from './kafka-client.ts';
export { kafkaRetriable } from './kafka-retriable.ts';
export { onStopSignals, type StopSignal, settlesWithin, unlessStopped, within } from './lifecycle.ts';
export { createLogger, type Logger } from './logger.ts';
export {
  createMetricsRegistry,
  DEFAULT_METRICS_HOST,
  METRICS_PATH,
  MetricsServer,
  type MetricsServerOptions,
  serveMetrics,
} from './metrics-server.ts';
export { formatCount, perSecond } from './number-format.ts';
export { printable } from './printable-text.ts';
export { type RecordBatchLimit, readRecordBatchLimitsPatiently } from './record-batch-limit.ts';
export { sendInRecordBatches } from './record-batch-send.ts';
export { recordBatchBudget, recordBytes } from './record-batch-size.ts';
export { redactUrl } from './redacted-url.ts';
export { connectRedis, createRedis, describeRedis, type RedisClient, redisFailure } from './redis-client.ts';
export { NODE_MEMORY_FLAGS } from './runtime-flags.ts';
export { type MetricLabels, scrapedCounter, scrapedGauge } from './scraped-metrics.ts';
export {
  fingerprintFile,
  fingerprintOpenFile,
  formatSourceId,
  parseSourceId,
  type SourceId,
  STDIN_FINGERPRINT,
} from './source-identity.ts';
export {
  brokerDefaultReplication,
  DEFAULT_PARTITIONS,
  ensureTopics,
  ensureTopicsPatiently,
  partitionEnds,
  type TopicPartitions,
} from './topics.ts';
export { retrying, waitUntil } from './wait-until.ts';
