// Kafka for every command: the client, the topic names (TopicSet) and the topics' layout, record batch
// sizing, encoding and scanning, the reading of kafkajs' retriable flags and log levels.
export { connectAdmin, createKafka, IDEMPOTENT_PRODUCER } from './kafka-client.ts';
export { kafkaFailure, kafkaRefused } from './kafka-failure.ts';
export { kafkaRetriable } from './kafka-retriable.ts';
export { keepRecordBytes, keptRecordBytes, keptRecordOffsets } from './kept-record-bytes.ts';
export { LineHeaders, LineRecord } from './line-record.ts';
export { type Encodable, RecordBatchEncoder } from './record-batch-encoder.ts';
export { type RecordBatchLimit, readRecordBatchLimitsPatiently } from './record-batch-limit.ts';
export {
  emptyRecordView,
  isRecordBatchSet,
  type RecordView,
  recordHeaders,
  recordValue,
  scanRecordBatches,
} from './record-batch-scanner.ts';
export { type EncodedTarget, sendEncodedRecordBatches, sendInRecordBatches } from './record-batch-send.ts';
export { headerBytes, recordBatchBudget, recordBytes } from './record-batch-size.ts';
export { TopicSet } from './topic-set.ts';
export {
  brokerDefaultReplication,
  DEFAULT_PARTITIONS,
  ensureTopics,
  ensureTopicsPatiently,
  type PartitionEnd,
  partitionEnds,
  type TopicPartitions,
} from './topics.ts';
