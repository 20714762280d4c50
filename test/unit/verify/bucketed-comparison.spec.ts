import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomSource } from '../../../data/flow-generator.ts';
import {
  compare,
  compareDeviceCounts,
  DeviceComparison,
  DeviceCounts,
  DIFFERENCES_KEPT,
  spillFolder,
} from '../../../verify/index.ts';

const parent = mkdtempSync(join(tmpdir(), 'flowwatch-bucketed-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

const totals = { flows: 0, webRequests: 0, invalidLines: 0 };
const streamTotals = { ...totals, undecodable: 0, timeOutliers: 0 };

/** Both sides through DeviceCounts that hold at most `limit` devices, compared as verify does. */
async function bucketed(
  requests: readonly string[],
  scores: readonly (readonly [string, number])[],
  limit: number,
  minCount = 1,
) {
  const folder = spillFolder(parent, 4);
  try {
    const batch = new DeviceCounts('sum', () => folder.files('batch', 0), limit);
    for (const device of requests) batch.add(device, 1);
    // As verify does: once the file's counts spilled, the scores go straight to files.
    const stream = new DeviceCounts('last', () => folder.files('stream', 0), batch.inMemory ? limit : 0);
    for (const [device, score] of scores) stream.add(device, score);
    const devices = new DeviceComparison(minCount);
    await compareDeviceCounts(batch, stream, devices, folder, limit);
    return { comparison: devices.result(totals, streamTotals), devices };
  } finally {
    folder.remove();
  }
}

/** 3,000 devices with 1 to 5 requests each, shuffled; some names with a tab, a newline or a backslash. */
function workload() {
  const random = randomSource(5);
  const name = (i: number) => (i % 500 === 0 ? `Odd,"\t\n${i}` : i % 500 === 1 ? `\\Back\\slash${i}` : `Comp${i}`);
  const devices = Array.from({ length: 3000 }, (_, i) => name(i));
  const truth = new Map(devices.map((d) => [d, 1 + Math.floor(random() * 5)]));
  const requests = [...truth].flatMap(([d, count]) => Array.from({ length: count }, () => d));
  for (let i = requests.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [requests[i], requests[j]] = [requests[j] as string, requests[i] as string];
  }
  return { truth, requests };
}

describe('comparing device counts that spill to disk', () => {
  it('finds the same answer as in memory when both sides spill and buckets are split again', async () => {
    const { truth, requests } = workload();
    const scores = [...truth].map(([d, c]) => [d, c] as const);
    // A ZSCAN may return a device twice: the later score holds.
    scores.push(['Comp7', truth.get('Comp7') ?? 0]);
    const off = new Map(truth);
    off.set('Comp11', (off.get('Comp11') ?? 0) + 2);
    off.delete('Comp12');
    off.set('Ghost', 4);
    const offScores = [...off].map(([d, c]) => [d, c] as const);

    for (const [label, stream] of [
      ['same', scores],
      ['off', offScores],
    ] as const) {
      const expected = compare({ ...totals, devices: truth }, new Map(stream), streamTotals);
      // 3,000 devices through 4 buckets at 200 per Map: every bucket is split a second time.
      const { comparison, devices } = await bucketed(requests, stream, 200, 3);
      expect(comparison, label).toEqual(expected);
      expect(devices.batchDevices).toBe(3000);
      expect(devices.batchDevicesAtMinCount).toBe([...truth.values()].filter((c) => c >= 3).length);
    }
    expect(readdirSync(parent)).toEqual([]);
  });

  it('stays in memory (no folder) below the limit', async () => {
    const { truth, requests } = workload();
    const { comparison } = await bucketed(requests, [...truth], 10_000);
    expect(comparison.identical).toBe(true);
    expect(comparison.devicesCompared).toBe(3000);
  });

  it('counts every differing device but keeps only the largest differences', async () => {
    const devices = new DeviceComparison();
    const all = Array.from({ length: 3 * DIFFERENCES_KEPT }, (_, i) => {
      const difference = (i % 7) - 3 || 9;
      return { device: `D${i}`, batch: 10, stream: 10 + difference, difference };
    });
    for (const d of all) devices.add(d.device, d.batch, d.stream);
    devices.add('Same', 4, 4);
    const result = devices.result(totals, streamTotals);
    expect(result.devicesDiffering).toBe(3 * DIFFERENCES_KEPT);
    expect(result.devicesCompared).toBe(3 * DIFFERENCES_KEPT + 1);
    const largest = all.sort(
      (x, y) => Math.abs(y.difference) - Math.abs(x.difference) || x.device.localeCompare(y.device),
    );
    expect(result.devices).toEqual(largest.slice(0, DIFFERENCES_KEPT));
  });
});
