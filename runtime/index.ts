// What every process runs on: errors and exit codes, signals and stops, logging, instrumentation
// events, polling and retries, starting a flowwatch process, and making sure Kafka and Redis answer.

export { kafkaRefusal, redisRefusal } from './connection-refusal.ts';
export { type RaceBounds, raceBounds, settlesWithin, unlessStopped, within } from './deadline.ts';
export { ErrorCode, ExitCode, exitCodeOf, FlowwatchError, isFlowwatchError, isRetriable } from './errors.ts';
export { parseEvents, streamEvents } from './event-stream.ts';
export { type Environment, spawnFlowwatch } from './flowwatch-process.ts';
export { Instrumentation, type InstrumentationEvent } from './instrumentation.ts';
export { onStopSignals, type SignalHost, type StopSignal } from './lifecycle.ts';
export { createLogger, type Logger } from './logger.ts';
export { NODE_MEMORY_FLAGS } from './runtime-flags.ts';
export { ABANDONED, doubling, pause, type RetryOptions, retrying, waitUntil } from './wait-until.ts';
