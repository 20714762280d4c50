import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generateFlowText, SAMPLE_LINES, SAMPLE_SEED } from '../../../data/flow-generator.ts';
import { Field, FlowScanner, isWebRequest } from '../../../flow/index.ts';

const text = (lines: number, seed: number) => [...generateFlowText({ lines, seed })].join('');
const sha = (value: string | Buffer) => createHash('sha256').update(value).digest('hex');

function profile(content: string) {
  const web = new Map<string, number>();
  let flows = 0;
  let fromPort80 = 0;
  let lastTime = -1;
  let rising = true;
  const protocols = new Set<string>();
  let anonymised = 0;
  let numeric = 0;
  const scanner = new FlowScanner({
    flow: (fields) => {
      flows++;
      const time = Number(fields[Field.Time]);
      if (time < lastTime) rising = false;
      lastTime = time;
      protocols.add(fields[Field.Protocol] as string);
      if (fields[Field.SrcPort] === '80') fromPort80++;
      const port = fields[Field.DstPort] as string;
      if (port.startsWith('Port')) anonymised++;
      else numeric++;
      if (isWebRequest(fields))
        web.set(fields[Field.DstDevice] as string, (web.get(fields[Field.DstDevice] as string) ?? 0) + 1);
    },
    invalid: () => {
      throw new Error('the generator wrote an invalid line');
    },
    skipped: () => {},
  });
  scanner.push(Buffer.from(content));
  scanner.end();
  return { web, flows, fromPort80, rising, protocols, anonymised, numeric, lastTime };
}

describe('the flow generator', () => {
  it('writes the same bytes for the same seed, and other bytes for another', () => {
    expect(sha(text(5000, 7))).toBe(sha(text(5000, 7)));
    expect(sha(text(5000, 7))).not.toBe(sha(text(5000, 8)));
  });

  it('bundles a sample that is exactly its output for the sample seed', () => {
    const bundled = gunzipSync(readFileSync(new URL('../../../data/sample-flows.csv.gz', import.meta.url)));
    expect(sha(bundled)).toBe(sha(text(SAMPLE_LINES, SAMPLE_SEED)));
  });

  it('shapes the sample like LANL traffic', () => {
    const p = profile(text(SAMPLE_LINES, SAMPLE_SEED));
    expect(p.flows).toBe(SAMPLE_LINES);
    expect(p.rising).toBe(true);
    expect(p.lastTime - 118_781).toBeGreaterThan(2 * 86_400 - 10);
    expect([...p.protocols].sort()).toEqual(['1', '17', '6']);
    expect(p.anonymised).toBeGreaterThan(0);
    expect(p.numeric).toBeGreaterThan(0);
    expect(p.fromPort80).toBeGreaterThan(1000);

    const webRequests = [...p.web.values()].reduce((sum, n) => sum + n, 0);
    const share = webRequests / p.flows;
    expect(share).toBeGreaterThan(0.12);
    expect(share).toBeLessThan(0.18);

    const ranked = [...p.web.values()].sort((a, b) => b - a);
    // Zipf-like: the top server takes a big share, a few dozen are busy, a long tail is seen once or twice.
    expect((ranked[0] as number) / webRequests).toBeGreaterThan(0.15);
    expect((ranked[0] as number) / webRequests).toBeLessThan(0.4);
    expect(ranked.filter((n) => n >= 10).length).toBeGreaterThanOrEqual(30);
    expect(ranked.filter((n) => n >= 10).length).toBeLessThanOrEqual(60);
    expect(ranked.filter((n) => n <= 2).length).toBeGreaterThan(500);
  });
});
