// The Redis state, end to end: the connection and what it needs of Redis (7.0 or newer), key names,
// the Lua scripts and their replies, the consumer's writer, every reader, reset, the batch check's
// record and the walkthrough's marker. Nothing outside this folder names a key: others (a redis-cli
// hint, a message, tests) take the names from `stateKeys` and the pattern from `stateKeyPattern`.
export { CHECK_DIFFERENCES_KEPT, type CheckRecord, parseCheck, writeCheck } from './check-record.ts';
export {
  type PartitionId,
  partitionId,
  partitionOf,
  stateKeyPattern,
  stateKeys,
  TOTAL_NAMES,
  type TotalName,
} from './keys.ts';
export { type ConditionReport, failureText, logReadCondition, type ViewSource } from './read-condition.ts';
export { connectRedis, createRedis, describeRedis, type RedisClient, redisFailure } from './redis-client.ts';
export {
  type ApplyResult,
  applyBatchResult,
  claimResult,
  confirmResult,
  deleteResult,
  otherGroup,
  ScriptCode,
} from './script-replies.ts';
export type { StateClient } from './state-client.ts';
export { isCaughtUp, type PartitionProgress, progressOf, stateProgress } from './state-progress.ts';
export { hoursInOrder, type RankedDevice, StateReader, type StateTotals } from './state-reader.ts';
export { resetState } from './state-reset.ts';
export { formatProgress, formatRanking } from './state-tables.ts';
export {
  type EndOffsetSource,
  type MoreReads,
  type StateView,
  type StateViewOptions,
  StateViewReader,
} from './state-view.ts';
export {
  type ApplyRequest,
  DEFAULT_LATENESS_SECONDS,
  type StateIncrements,
  StateWriter,
} from './state-writer.ts';
export {
  type HeldState,
  heldState,
  readWalkthroughMarker,
  type WalkthroughMarker,
  writeWalkthroughMarker,
} from './walkthrough-marker.ts';
