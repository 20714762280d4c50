// The batch answer counts plain lines from their bytes and every other line from its fields: both
// must give what the validity rule gives each line on its own.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Field, isWebRequest, openFlowInput, parseFlowLine } from '../../../flow/index.ts';
import { countFromInput, DeviceCounts } from '../../../verify/index.ts';
import { nearFlow, random, VALID } from '../../support/flow-values.ts';

const noSpill = () => {
  throw new Error('no spill expected');
};

describe('counting the file', () => {
  it('counts flows, web requests per device and invalid lines as the rule gives them line by line', async () => {
    const next = random(3);
    const lines = [
      VALID,
      `${VALID}\r`,
      VALID.replace('Comp785232', '"Comp785232"'),
      VALID.replace('Comp785232', 'Gerät'),
      VALID.replace('118781', '1234567890123456789'),
      'not a flow',
    ].map((line) => Buffer.from(line));
    for (let i = 0; i < 3000; i++) lines.push(Buffer.from(nearFlow(next).filter((c) => c !== 0x0a)));
    const bytes = Buffer.concat(lines.flatMap((line) => [line, Buffer.from('\n')]));
    const expected = new Map<string, number>();
    let flows = 0;
    let webRequests = 0;
    let invalid = 0;
    for (const line of lines) {
      const result = parseFlowLine(line);
      if (result.kind === 'invalid') invalid++;
      if (result.kind !== 'flow') continue;
      flows++;
      if (!isWebRequest(result.fields)) continue;
      webRequests++;
      const device = result.fields[Field.DstDevice] as string;
      expected.set(device, (expected.get(device) ?? 0) + 1);
    }
    const stdin = new PassThrough();
    const input = await openFlowInput('-', stdin);
    const devices = new DeviceCounts('sum', noSpill, 1_000_000);
    const counting = countFromInput(input, devices);
    stdin.end(bytes);
    const counts = await counting;
    expect({ flows: counts.flows, webRequests: counts.webRequests, invalid: counts.invalidLines }).toEqual({
      flows,
      webRequests,
      invalid,
    });
    expect(webRequests).toBeGreaterThan(100);
    expect(new Map(devices.inMemory)).toEqual(expected);
    expect(expected.get('Gerät')).toBe(1);
  });
});
