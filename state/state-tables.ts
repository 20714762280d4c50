// Renders a ranking and per-partition progress as plain text tables, for terminals and logs (device
// names escaped: see printable).

import { formatCount as n, printable } from '../display/index.ts';
import type { PartitionProgress } from './state-progress.ts';
import type { RankedDevice } from './state-reader.ts';

export function formatRanking(ranking: readonly RankedDevice[]): string {
  if (ranking.length === 0) return '  (no web requests counted yet)';
  const shown = ranking.map((r) => printable(r.device));
  const width = Math.max(6, ...shown.map((device) => device.length));
  const rows = ranking.map(
    (r, i) => `  ${String(i + 1).padStart(3)}  ${shown[i]?.padEnd(width)}  ${n(r.webRequests).padStart(10)}`,
  );
  return [`  ${'#'.padStart(3)}  ${'device'.padEnd(width)}  ${'web reqs'.padStart(10)}`, ...rows].join('\n');
}

/** `undefined`: Kafka did not answer. */
export function formatProgress(progress: readonly PartitionProgress[] | undefined): string {
  if (progress === undefined) return '  (Kafka does not answer: progress unknown)';
  if (progress.length === 0) return '  (topic not found)';
  return progress
    .map(
      (p) =>
        `  ${`${p.topic}/${p.partition}`.padEnd(24)} applied ${n(p.applied).padStart(10)} of ${n(p.end).padStart(10)}  lag ${n(p.lag)}`,
    )
    .join('\n');
}
