import { describe, expect, it } from 'vitest';
import { compare } from '../../../verify/index.ts';

const batch = (devices: Record<string, number>, invalidLines = 0) => {
  const map = new Map(Object.entries(devices));
  const webRequests = [...map.values()].reduce((a, b) => a + b, 0);
  return { devices: map, flows: webRequests + 10, webRequests, invalidLines };
};
const totals = (flows: number, webRequests: number, invalidLines = 0) => ({
  flows,
  webRequests,
  invalidLines,
  undecodable: 0,
  timeOutliers: 0,
});

describe('compare', () => {
  it('finds identical states identical', () => {
    const result = compare(
      batch({ A: 3, B: 1 }),
      new Map([
        ['A', 3],
        ['B', 1],
      ]),
      totals(14, 4),
    );
    expect(result.identical).toBe(true);
    expect(result.devicesCompared).toBe(2);
  });

  it('reports a device off by one, missing and extra devices, sorted by size', () => {
    const result = compare(
      batch({ A: 3, B: 1, C: 5 }),
      new Map([
        ['A', 4],
        ['C', 5],
        ['D', 2],
      ]),
      totals(19, 9),
    );
    expect(result.identical).toBe(false);
    expect(result.devices).toEqual([
      { device: 'D', batch: 0, stream: 2, difference: 2 },
      { device: 'A', batch: 3, stream: 4, difference: 1 },
      { device: 'B', batch: 1, stream: 0, difference: -1 },
    ]);
    expect(result.totals).toEqual([]);
  });

  it('reports totals that differ', () => {
    const result = compare(batch({ A: 1 }, 2), new Map([['A', 1]]), totals(12, 1, 1));
    expect(result.identical).toBe(false);
    expect(result.totals).toEqual([
      { total: 'flows', batch: 11, stream: 12 },
      { total: 'invalidLines', batch: 2, stream: 1 },
    ]);
  });
});

describe('compare: ties', () => {
  it('orders equal differences by device name in code units, whatever the locale says', () => {
    // localeCompare would put 'a' before 'B' and 'é' before 'f'; code units put them the other way round.
    const result = compare(batch({ a: 1, B: 1, f: 1, é: 1, C10: 1, C9: 1 }), new Map(), totals(16, 6));
    expect(result.devices.map((d) => d.device)).toEqual(['B', 'C10', 'C9', 'a', 'f', 'é']);
  });
});
