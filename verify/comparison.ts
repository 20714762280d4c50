// Compares the batch answer with the streamed state: every device, every score, and the totals.
import { formatCount as n, printable } from '../common/index.ts';
import type { StateTotals } from '../state/index.ts';
import type { BatchCounts } from './batch-count.ts';

export interface DeviceDifference {
  readonly device: string;
  readonly batch: number;
  readonly stream: number;
  readonly difference: number;
}

export interface TotalDifference {
  readonly total: 'flows' | 'webRequests' | 'invalidLines';
  readonly batch: number;
  readonly stream: number;
}

export interface Comparison {
  readonly identical: boolean;
  readonly devicesCompared: number;
  readonly devicesMatching: number;
  readonly devices: DeviceDifference[];
  readonly totals: TotalDifference[];
}

export function compare(
  batch: BatchCounts,
  streamScores: ReadonlyMap<string, number>,
  streamTotals: StateTotals,
): Comparison {
  const devices: DeviceDifference[] = [];
  const names = new Set([...batch.devices.keys(), ...streamScores.keys()]);
  for (const device of names) {
    const b = batch.devices.get(device) ?? 0;
    const s = streamScores.get(device) ?? 0;
    if (b !== s) devices.push({ device, batch: b, stream: s, difference: s - b });
  }
  devices.sort((x, y) => Math.abs(y.difference) - Math.abs(x.difference) || x.device.localeCompare(y.device));
  const totals: TotalDifference[] = [];
  const check = (total: TotalDifference['total'], b: number, s: number) => {
    if (b !== s) totals.push({ total, batch: b, stream: s });
  };
  check('flows', batch.flows, streamTotals.flows);
  check('webRequests', batch.webRequests, streamTotals.webRequests);
  check('invalidLines', batch.invalidLines, streamTotals.invalidLines);
  return {
    identical: devices.length === 0 && totals.length === 0,
    devicesCompared: names.size,
    devicesMatching: names.size - devices.length,
    devices,
    totals,
  };
}

export function formatDifferences(comparison: Comparison, limit = 50): string {
  const lines: string[] = [];
  if (comparison.totals.length > 0) {
    lines.push('  total          batch      stream');
    for (const t of comparison.totals)
      lines.push(`  ${t.total.padEnd(12)} ${n(t.batch).padStart(8)} ${n(t.stream).padStart(11)}`);
  }
  if (comparison.devices.length > 0) {
    const shown = comparison.devices.slice(0, limit).map((d) => ({ ...d, device: printable(d.device) }));
    const width = Math.max(6, ...shown.map((d) => d.device.length));
    lines.push(`  ${'device'.padEnd(width)}  ${'batch'.padStart(8)}  ${'stream'.padStart(8)}  ${'diff'.padStart(8)}`);
    for (const d of shown) {
      const sign = d.difference > 0 ? '+' : '';
      lines.push(
        `  ${d.device.padEnd(width)}  ${n(d.batch).padStart(8)}  ${n(d.stream).padStart(8)}  ${(sign + n(d.difference)).padStart(8)}`,
      );
    }
    if (comparison.devices.length > limit)
      lines.push(`  ... and ${n(comparison.devices.length - limit)} more devices differ`);
  }
  return lines.join('\n');
}
