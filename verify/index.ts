// The batch check: recompute from the file, compare with the streamed state.
export { type BatchCounts, countFromInput } from './batch-count.ts';
export { compareDeviceCounts } from './bucketed-comparison.ts';
export { type Comparison, compare, DeviceComparison, DIFFERENCES_KEPT, formatDifferences } from './comparison.ts';
export { DeviceCounts } from './device-counts.ts';
export { type SpillFolder, spillFolder } from './spill-folder.ts';
export {
  formatReport,
  runVerify,
  type VerifyOptions,
  type VerifyReport,
  verdictExitCode,
  verify,
} from './verify-command.ts';
