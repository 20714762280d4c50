import { describe, expect, it } from 'vitest';
import { hourlySeries } from '../../../dashboard/index.ts';
import { hoursInOrder } from '../../../state/index.ts';

describe('hoursInOrder', () => {
  it('orders the hour numbers by time, not as text', () => {
    expect(hoursInOrder(['33', '9', '100', '32'])).toEqual([9, 32, 33, 100]);
  });

  it('ignores a member that is not an hour number', () => {
    expect(hoursInOrder(['33', 'x', '1.5', '34'])).toEqual([33, 34]);
  });
});

describe('hourlySeries', () => {
  it('gives each device its count per hour, 0 where ZMSCORE had none', () => {
    const series = hourlySeries(
      [32, 33],
      ['Web1', 'Web2'],
      [
        ['5', null],
        ['7', '2'],
      ],
    );
    expect(series).toEqual({
      hours: [32, 33],
      earlierHours: 0,
      devices: [
        { device: 'Web1', counts: [5, 7] },
        { device: 'Web2', counts: [0, 2] },
      ],
    });
  });

  it('has empty series before any hour is counted', () => {
    expect(hourlySeries([], ['Web1'], [])).toEqual({
      hours: [],
      earlierHours: 0,
      devices: [{ device: 'Web1', counts: [] }],
    });
  });

  it('carries the number of earlier hours left out', () => {
    expect(hourlySeries([40], ['Web1'], [['3']], 12)).toEqual({
      hours: [40],
      earlierHours: 12,
      devices: [{ device: 'Web1', counts: [3] }],
    });
  });
});
