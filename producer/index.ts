// The producer: flow files into the Kafka topic.
export { FlowProducer, type ProduceOptions } from './flow-producer.ts';
export { type Pace, Pacer } from './pacer.ts';
export { type ProduceCommandOptions, runProduce } from './produce-command.ts';
export { DEFAULT_BATCH_SIZE, DEFAULT_LINGER_MS } from './produce-defaults.ts';
export { formatSummary, type ProduceSummary, startingSummary } from './produce-summary.ts';
export { type ProducerEventMap, ProducerEvents, type ProducerResumed } from './producer-events.ts';
