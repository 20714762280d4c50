import { describe, expect, it } from 'vitest';
import { FlowBytes, type FlowBytesView, readFlowBytes } from '../../../flow/flow-bytes.ts';
import { Field, isWebRequest, readFlowValue } from '../../../flow/index.ts';
import { nearFlow, random, VALID } from '../../support/flow-values.ts';

/** Asserts that readFlowBytes agrees with readFlowValue on `bytes`; returns what it said. */
function agrees(bytes: Buffer): number {
  const view: FlowBytesView = { time: -1, deviceStart: -1, deviceEnd: -1 };
  // The value sits inside a larger buffer, as in a fetched batch.
  const framed = Buffer.concat([Buffer.from('x,\r'), bytes, Buffer.from('\r9,')]);
  const kind = readFlowBytes(framed, 3, 3 + bytes.length, view);
  const reference = readFlowValue(bytes);
  if (kind === FlowBytes.undecided) return kind;
  expect(reference.kind, bytes.toString('latin1')).toBe('flow');
  if (reference.kind !== 'flow') return kind;
  expect(view.time).toBe(Math.min(Number(reference.fields[Field.Time]), Number.MAX_VALUE));
  expect(kind === FlowBytes.webRequest).toBe(isWebRequest(reference.fields));
  // Every flow's DstDevice: the producer's key.
  expect(framed.toString('latin1', view.deviceStart, view.deviceEnd)).toBe(reference.fields[Field.DstDevice]);
  return kind;
}

describe('readFlowBytes', () => {
  it('reads a LANL web request: its Time and DstDevice', () => {
    const view: FlowBytesView = { time: 0, deviceStart: 0, deviceEnd: 0 };
    const bytes = Buffer.from(VALID);
    expect(readFlowBytes(bytes, 0, bytes.length, view)).toBe(FlowBytes.webRequest);
    expect(view.time).toBe(118781);
    expect(bytes.toString('latin1', view.deviceStart, view.deviceEnd)).toBe('Comp785232');
  });

  it('tells a flow to another port from a web request, 080 and 0080 being 80', () => {
    for (const [port, kind] of [
      ['443', FlowBytes.flow],
      ['8080', FlowBytes.flow],
      ['Port80', FlowBytes.flow],
      ['080', FlowBytes.webRequest],
      ['0080', FlowBytes.webRequest],
    ] as const) {
      expect(agrees(Buffer.from(VALID.replace(',80,', `,${port},`)))).toBe(kind);
    }
  });

  it('leaves to readFlowValue what it does not decide: blank, invalid, quoted, non-ASCII, a long Time', () => {
    for (const line of [
      '',
      '\r',
      '\r\r',
      VALID.replace('118781', '1234567890123456'),
      VALID.replace('Comp300446', '"Comp300446"'),
      VALID.replace('Comp300446', 'Compé'),
      VALID.replace(',6,', ',256,'),
      VALID.replace(',10,', ',,'),
      `${VALID},1`,
      `${VALID}\r\r\r`,
    ]) {
      expect(agrees(Buffer.from(line)), line).toBe(FlowBytes.undecided);
    }
  });

  it('decides every plain ASCII flow with a Time of up to 15 digits, CRLF or CRCR ended', () => {
    expect(agrees(Buffer.from(`${VALID}\r`))).toBe(FlowBytes.webRequest);
    expect(agrees(Buffer.from(`${VALID}\r\r`))).toBe(FlowBytes.webRequest);
    expect(agrees(Buffer.from(VALID.replace('118781', '000000000000000000123456789012345')))).toBe(
      FlowBytes.webRequest,
    );
  });

  it('agrees with readFlowValue on 100,000 generated values near the LANL shape', () => {
    const next = random(20261207);
    let decided = 0;
    for (let i = 0; i < 100_000; i++) if (agrees(nearFlow(next)) !== FlowBytes.undecided) decided++;
    // Enough values are flows for the agreement to mean something.
    expect(decided).toBeGreaterThan(5_000);
  });

  it('agrees with readFlowValue on random bytes drawn from the characters a flow is made of', () => {
    const next = random(7);
    const alphabet = Buffer.from('0123456789,,,,,PortCmp\r"\x80 ');
    for (let i = 0; i < 100_000; i++) {
      const bytes = Buffer.alloc(Math.floor(next() * 40));
      for (let j = 0; j < bytes.length; j++) bytes[j] = alphabet[Math.floor(next() * alphabet.length)] as number;
      agrees(bytes);
    }
  });
});
