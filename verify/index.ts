// The batch check: recompute from the file, compare with the streamed state.
export { type BatchCounts, countFromInput } from './batch-count.ts';
export { type Comparison, compare, formatDifferences } from './comparison.ts';
export {
  formatReport,
  runVerify,
  VerifyExit,
  type VerifyOptions,
  type VerifyReport,
  verify,
} from './verify-command.ts';
