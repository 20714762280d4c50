import { describe, expect, it } from 'vitest';
import { tallyDeadLetters, tallyFlows } from '../../../consumer/index.ts';
import { Header, RejectedBy } from '../../../flow/index.ts';

const flow = (offset: number, dst: string, port: string, time = 1) => ({
  offset: String(offset),
  value: Buffer.from(`${time},0,Src,${dst},6,Port1,${port},1,1,1,1`),
});

describe('tallyFlows', () => {
  it('counts web requests per device and the totals', () => {
    const tally = tallyFlows([flow(0, 'A', '80'), flow(1, 'A', '80'), flow(2, 'B', '443'), flow(3, 'C', '080')], 0);
    expect(tally.flows).toBe(4);
    expect(tally.webRequests).toBe(3);
    expect([...tally.devices]).toEqual([
      ['A', 2],
      ['C', 1],
    ]);
  });

  it('leaves a Time beyond the bound out of the hours and the highest Time, but counts it and its web request', () => {
    const tally = tallyFlows(
      [
        flow(0, 'A', '80', 99_999_999_999),
        flow(1, 'A', '80', 7200),
        flow(2, 'B', '443', 5000),
        flow(3, 'B', '80', 9001),
      ],
      0,
      9000,
    );
    expect(tally.flows).toBe(4);
    expect(tally.timeOutliers).toBe(2);
    expect(tally.maxTime).toBe(7200);
    expect(tally.webRequests).toBe(3);
    expect([...tally.devices]).toEqual([
      ['A', 2],
      ['B', 1],
    ]);
    expect([...tally.hours]).toEqual([[2, new Map([['A', 1]])]]);
  });

  it('skips offsets below the stored next offset (already counted)', () => {
    const tally = tallyFlows([flow(10, 'A', '80'), flow(11, 'A', '80'), flow(12, 'A', '80')], 12);
    expect(tally.flows).toBe(1);
    expect(tally.devices.get('A')).toBe(1);
  });

  it('counts web requests per event-time hour and device, H = floor(Time / 3600)', () => {
    const tally = tallyFlows(
      [flow(0, 'A', '80', 3599), flow(1, 'A', '80', 3600), flow(2, 'B', '80', 7199), flow(3, 'A', '443', 100)],
      0,
    );
    expect([...tally.hours].map(([hour, devices]) => [hour, [...devices]])).toEqual([
      [0, [['A', 1]]],
      [
        1,
        [
          ['A', 1],
          ['B', 1],
        ],
      ],
    ]);
  });

  it('keeps the highest event Time of the flows applied, -1 when there are none', () => {
    expect(tallyFlows([flow(0, 'A', '443', 500), flow(1, 'B', '80', 9000), flow(2, 'A', '80', 700)], 0).maxTime).toBe(
      9000,
    );
    // Flows below the stored offset are not applied, so their Time does not count either.
    expect(tallyFlows([flow(0, 'A', '80', 9000), flow(1, 'A', '80', 700)], 1).maxTime).toBe(700);
    expect(tallyFlows([{ offset: '0', value: Buffer.from('garbage') }], 0).maxTime).toBe(-1);
  });

  it('does not count a reply from port 80 or an anonymised port', () => {
    const reply = { offset: '0', value: Buffer.from('1,0,Web,Client,6,80,Port80,1,1,1,1') };
    expect(tallyFlows([reply], 0).webRequests).toBe(0);
  });

  it('sets aside undecodable messages with a reason', () => {
    const tally = tallyFlows(
      [{ offset: '5', value: Buffer.from('garbage') }, { offset: '6', value: null }, flow(7, 'A', '80')],
      0,
    );
    expect(tally.undecodable).toBe(2);
    expect(tally.flows).toBe(1);
    expect(tally.rejects.map((r) => r.offset)).toEqual(['5', '6']);
    expect(tally.rejects[0]?.reason).toBe('expected 11 fields, found 1');
  });
});

describe('tallyDeadLetters', () => {
  it('counts lines the producer rejected, not messages a consumer rejected', () => {
    const line = {
      offset: '0',
      value: Buffer.from('x'),
      headers: { [Header.rejectedBy]: Buffer.from(RejectedBy.line) },
    };
    const message = {
      offset: '1',
      value: Buffer.from('y'),
      headers: { [Header.rejectedBy]: Buffer.from(RejectedBy.message) },
    };
    expect(tallyDeadLetters([line, message, { ...line, offset: '2' }], 0).invalidLines).toBe(2);
    expect(tallyDeadLetters([line, message, { ...line, offset: '2' }], 1).invalidLines).toBe(1);
  });
});
