// The consumer group member that counts web requests per device, exactly once, in Redis.
export { type BatchTally, emptyTally, tallyDeadLetters, tallyFlows } from './batch-tally.ts';
export { type ConsumeCommandOptions, runConsume } from './consume-command.ts';
export { type ApplyResult, CounterState, DEFAULT_LATENESS_SECONDS } from './counter-state.ts';
export { StatusBoard } from './status-board.ts';
export { type CounterOptions, WebServerCounter } from './webserver-counter.ts';
