import { describe, expect, it } from 'vitest';
import { type CheckRecord, parseCheck } from '../../../state/index.ts';

const agreed: CheckRecord = {
  at: '2026-11-25T12:00:00.000Z',
  identical: true,
  complete: true,
  devices: 1111,
  webRequests: 15_177,
  flows: 100_000,
  devicesDiffering: 0,
  differences: [],
  totalsDiffering: [],
};

describe('parseCheck', () => {
  it('reads the check that verify leaves in Redis', () => {
    expect(parseCheck(JSON.stringify(agreed))).toEqual(agreed);
  });

  it('keeps the differences, device names included as they are', () => {
    const differ = {
      ...agreed,
      identical: false,
      devicesDiffering: 1,
      differences: [{ device: '<img src=x onerror=alert(1)>', batch: 0, stream: 5, difference: 5 }],
      totalsDiffering: [{ total: 'webRequests', batch: 15_177, stream: 15_182 }],
    };
    expect(parseCheck(JSON.stringify(differ))).toEqual(differ);
  });

  it('is null when there is no check yet', () => {
    expect(parseCheck(null)).toBeNull();
  });

  it('is null for anything that is not a check, rather than showing half of it', () => {
    expect(parseCheck('not json')).toBeNull();
    expect(parseCheck('{"identical":"yes"}')).toBeNull();
    expect(parseCheck(JSON.stringify({ ...agreed, differences: [{ device: 1 }] }))).toBeNull();
  });
});
