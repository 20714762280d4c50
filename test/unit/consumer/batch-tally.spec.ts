import { describe, expect, it } from 'vitest';
import { Header, RejectedBy } from '../../../common/index.ts';
import { tallyDeadLetters, tallyFlows } from '../../../consumer/index.ts';

const flow = (offset: number, dst: string, port: string) => ({
  offset: String(offset),
  value: Buffer.from(`1,0,Src,${dst},6,Port1,${port},1,1,1,1`),
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

  it('skips offsets below the stored next offset (already counted)', () => {
    const tally = tallyFlows([flow(10, 'A', '80'), flow(11, 'A', '80'), flow(12, 'A', '80')], 12);
    expect(tally.flows).toBe(1);
    expect(tally.devices.get('A')).toBe(1);
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
