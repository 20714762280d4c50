// Compares the batch answer with the streamed state: every device, every score, and the totals. The
// devices are fed in one at a time (from memory or bucket by bucket), and only the largest
// differences are kept, so the comparison's memory does not grow with the number of devices.
import { formatCount as n, printable } from '../display/index.ts';
import type { StateTotals } from '../state/index.ts';

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
  /** Devices whose counts differ. */
  readonly devicesDiffering: number;
  /** The largest differences, at most `DIFFERENCES_KEPT`, largest first. */
  readonly devices: DeviceDifference[];
  readonly totals: TotalDifference[];
}

/** Differing devices a comparison keeps (it counts them all). */
export const DIFFERENCES_KEPT = 1000;

export interface BatchTotals {
  readonly flows: number;
  readonly webRequests: number;
  readonly invalidLines: number;
}

// Ties break on code units, not localeCompare: the same order on every machine, and cheap enough for
// millions of equal differences.
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const larger = (x: DeviceDifference, y: DeviceDifference) =>
  Math.abs(y.difference) - Math.abs(x.difference) || byName(x.device, y.device);

/** Takes each device's two counts once and keeps what the report needs. */
export class DeviceComparison {
  compared = 0;
  differing = 0;
  /** Devices with web requests in the file, and those with at least `minCount` of them. */
  batchDevices = 0;
  batchDevicesAtMinCount = 0;
  private readonly minCount: number;
  private kept: DeviceDifference[] = [];

  constructor(minCount = 1) {
    this.minCount = minCount;
  }

  add(device: string, batch: number, stream: number): void {
    this.compared++;
    if (batch > 0) {
      this.batchDevices++;
      if (batch >= this.minCount) this.batchDevicesAtMinCount++;
    }
    if (batch === stream) return;
    this.differing++;
    this.kept.push({ device, batch, stream, difference: stream - batch });
    // Cut back now and then: the order is total, so the largest survive every cut.
    if (this.kept.length >= 2 * DIFFERENCES_KEPT) this.kept = this.kept.sort(larger).slice(0, DIFFERENCES_KEPT);
  }

  /** Both sides' counts for the devices of one bucket (or of all, when they fit in memory). */
  addAll(batch: ReadonlyMap<string, number>, stream: ReadonlyMap<string, number>): void {
    for (const [device, count] of batch) this.add(device, count, stream.get(device) ?? 0);
    for (const [device, score] of stream) if (!batch.has(device)) this.add(device, 0, score);
  }

  result(batch: BatchTotals, streamTotals: StateTotals): Comparison {
    const totals: TotalDifference[] = [];
    const check = (total: TotalDifference['total'], b: number, s: number) => {
      if (b !== s) totals.push({ total, batch: b, stream: s });
    };
    check('flows', batch.flows, streamTotals.flows);
    check('webRequests', batch.webRequests, streamTotals.webRequests);
    check('invalidLines', batch.invalidLines, streamTotals.invalidLines);
    return {
      identical: this.differing === 0 && totals.length === 0,
      devicesCompared: this.compared,
      devicesMatching: this.compared - this.differing,
      devicesDiffering: this.differing,
      devices: this.kept.sort(larger).slice(0, DIFFERENCES_KEPT),
      totals,
    };
  }
}

/** Compares counts held in memory (the unit tests' way in, and small files'). */
export function compare(
  batch: BatchTotals & { readonly devices: ReadonlyMap<string, number> },
  streamScores: ReadonlyMap<string, number>,
  streamTotals: StateTotals,
): Comparison {
  const devices = new DeviceComparison();
  devices.addAll(batch.devices, streamScores);
  return devices.result(batch, streamTotals);
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
    if (comparison.devicesDiffering > shown.length)
      lines.push(`  ... and ${n(comparison.devicesDiffering - shown.length)} more devices differ`);
  }
  return lines.join('\n');
}
