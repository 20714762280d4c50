// The shared core: configuration, errors, logging, the flow format and its validity rule,
// Kafka and Redis set-up, Redis key names.
export { type Config, type ConfigSource, deadLetterTopic, loadConfig } from './config.ts';
export { ErrorCode, FlowwatchError, isFlowwatchError } from './errors.ts';
export { FIELD_COUNT, Field, FLOW_FIELDS, type FlowField, isWebRequest, WEB_PORT } from './flow.ts';
export { type FlowInput, openFlowInput } from './flow-input.ts';
export { isHeaderLine, type LineResult, MAX_LINE_BYTES, parseFlowLine, parseFlowText } from './flow-line.ts';
export {
  flowMessage,
  Header,
  headerText,
  RejectedBy,
  readFlowValue,
  rejectedLineMessage,
  rejectedMessage,
} from './flow-message.ts';
export { FlowScanner, type FlowVisitor, type ScanCounts } from './flow-scanner.ts';
export { ensureInfra, type InfraGuard } from './infra-guard.ts';
export { connectAdmin, createKafka, kafkaUnreachable } from './kafka-client.ts';
export { FORCED_EXIT_CODE, onStopSignals, type StopSignal, settlesWithin } from './lifecycle.ts';
export { createLogger, type Logger } from './logger.ts';
export { formatProgress, formatRanking } from './ranking-table.ts';
export { connectRedis, createRedis, redactUrl, redisUnreachable } from './redis-client.ts';
export { allStateKeys, hourKeyBase, partitionField, redisKeys } from './redis-keys.ts';
export { RejectionLog } from './rejection-log.ts';
export { NODE_MEMORY_FLAGS } from './runtime-flags.ts';
export { isCaughtUp, type PartitionProgress, stateProgress } from './state-progress.ts';
export {
  countDevices,
  type RankedDevice,
  readAllScores,
  readHourRanking,
  readHours,
  readRanking,
  readTotals,
  readWatermark,
  type StateTotals,
} from './state-reader.ts';
export { DEFAULT_PARTITIONS, ensureTopics, type PartitionEnd, partitionEnds } from './topics.ts';
export { invalidReason } from './validity.ts';
