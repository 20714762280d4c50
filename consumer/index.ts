// The consumer group member that counts web requests per device, exactly once, in Redis: group
// membership and lifecycle (group-member.ts), partition fencing, the pure offset decision, the batch
// applier, the dead-letter sender, and the command around them.
export {
  type BatchTally,
  DEFAULT_MAX_EVENT_TIME_SECONDS,
  emptyTally,
  tallyDeadLetters,
  tallyFlows,
} from './batch-tally.ts';
export { type ConsumeCommandOptions, runConsume } from './consume-command.ts';
export {
  type BatchApplied,
  type ConsumerEventMap,
  ConsumerEvents,
  type ConsumerInstrumentation,
  type RefusalReason,
} from './consumer-events.ts';
export { GroupMember, type MemberOptions } from './group-member.ts';
export { LatencyHistogram } from './latency-histogram.ts';
export {
  assumedStart,
  type BatchDecision,
  decideAfterReply,
  decideAfterWait,
  decideBatch,
  decideStart,
  type ReplyDecision,
  type StartDecision,
  type WaitDecision,
} from './offset-decision.ts';
