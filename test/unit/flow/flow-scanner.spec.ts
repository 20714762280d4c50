import { describe, expect, it } from 'vitest';
import { Field, FlowBytes, FlowScanner, isWebRequest, parseFlowLine, readFlowBytes } from '../../../flow/index.ts';
import { nearFlow, random } from '../../support/flow-values.ts';

interface Seen {
  flows: number[];
  invalid: { line: number; reason: string; bytes: number; length: number }[];
  skipped: number[];
}

function scan(text: string | Buffer, chunkSize: number, maxLineBytes?: number): { seen: Seen; scanner: FlowScanner } {
  const seen: Seen = { flows: [], invalid: [], skipped: [] };
  const scanner = new FlowScanner(
    {
      flow: (_fields, _line, n) => seen.flows.push(n),
      invalid: (line, n, reason, length) => seen.invalid.push({ line: n, reason, bytes: line.length, length }),
      skipped: (n) => seen.skipped.push(n),
    },
    maxLineBytes,
  );
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  for (let i = 0; i < bytes.length; i += chunkSize) scanner.push(bytes.subarray(i, i + chunkSize));
  scanner.end();
  return { seen, scanner };
}

const FLOW = '1,0,A,B,6,Port1,80,1,1,1,1';
const HEADER = 'Time,Duration,SrcDevice,DstDevice,Protocol,SrcPort,DstPort,SrcPackets,DstPackets,SrcBytes,DstBytes';

describe('FlowScanner', () => {
  it('numbers lines across any chunk boundaries', () => {
    const text = `${HEADER}\n${FLOW}\n\nbad\r\n${FLOW}\r\n${FLOW}`;
    for (const chunkSize of [1, 2, 3, 7, 64, 4096]) {
      const { seen, scanner } = scan(text, chunkSize);
      expect(seen.flows).toEqual([2, 5, 6]);
      expect(seen.skipped).toEqual([1, 3]);
      expect(seen.invalid.map((i) => i.line)).toEqual([4]);
      expect(scanner.counts).toEqual({ lines: 6, flows: 3, invalid: 1, skipped: 2 });
    }
  });

  it('counts a header-like line after the first as invalid', () => {
    const { seen } = scan(`${FLOW}\n${HEADER}\n`, 16);
    expect(seen.invalid.map((i) => i.line)).toEqual([2]);
  });

  it('rejects an over-long line without keeping more than the maximum, and goes on', () => {
    const long = `1,0,${'x'.repeat(5000)},B,6,1,80,1,1,1,1`;
    for (const chunkSize of [10, 100, 1000, 100_000]) {
      const { seen } = scan(`${FLOW}\n${long}\n${FLOW}\n`, chunkSize, 100);
      expect(seen.flows).toEqual([1, 3]);
      expect(seen.invalid).toHaveLength(1);
      expect(seen.invalid[0]?.line).toBe(2);
      expect(seen.invalid[0]?.reason).toBe(`line longer than 100 bytes (${long.length} bytes)`);
      expect(seen.invalid[0]?.bytes).toBe(100);
      expect(seen.invalid[0]?.length).toBe(long.length);
    }
  });

  it('rejects an over-long last line without a newline', () => {
    const { seen } = scan(`${FLOW}\n${'y'.repeat(300)}`, 7, 100);
    expect(seen.invalid.map((i) => i.line)).toEqual([2]);
    expect(seen.invalid[0]?.length).toBe(300);
  });

  it('does not invent a line after a final newline', () => {
    const { scanner } = scan(`${FLOW}\n${FLOW}\n`, 5);
    expect(scanner.counts.lines).toBe(2);
  });

  it('with a plainFlow visitor, hands it the plain lines and every other line as before', () => {
    // Plain, CRLF, quoted, non-ASCII, invalid, blank, header and lines near the flow shape.
    const next = random(11);
    const lines = [HEADER, FLOW, `${FLOW}\r`, FLOW.replace(',B,', ',"B",'), FLOW.replace(',B,', ',Bé,'), 'bad', ''];
    for (let i = 0; i < 2000; i++) lines.push(nearFlow(next).toString('latin1').replace(/\n/g, ''));
    const bytes = Buffer.from(lines.join('\n'), 'latin1');
    const reference = scan(bytes, 64 * 1024).seen;
    for (const chunkSize of [1, 3, 64, 1000, 64 * 1024]) {
      const seen: Seen = { flows: [], invalid: [], skipped: [] };
      const plain: number[] = [];
      const scanner = new FlowScanner({
        plainFlow: (chunk, start, end, n, kind, view) => {
          const line = chunk.subarray(start, end);
          const parsed = parseFlowLine(line);
          // What it is handed is the line, and what the bytes say agrees with its fields.
          expect(parsed.kind).toBe('flow');
          const fields = parsed.kind === 'flow' ? parsed.fields : [];
          expect(chunk.toString('latin1', view.deviceStart, view.deviceEnd)).toBe(fields[Field.DstDevice]);
          expect(view.time).toBe(Number(fields[Field.Time]));
          expect(kind === FlowBytes.webRequest).toBe(isWebRequest(fields));
          plain.push(n);
          seen.flows.push(n);
        },
        flow: (_fields, line, n) => {
          // Only what the bytes leave undecided (quoted, non-ASCII, a long Time) is split.
          expect(readFlowBytes(line, 0, line.length, { time: 0, deviceStart: 0, deviceEnd: 0 })).toBe(
            FlowBytes.undecided,
          );
          seen.flows.push(n);
        },
        invalid: (line, n, reason, length) => seen.invalid.push({ line: n, reason, bytes: line.length, length }),
        skipped: (n) => seen.skipped.push(n),
      });
      for (let i = 0; i < bytes.length; i += chunkSize) scanner.push(bytes.subarray(i, i + chunkSize));
      scanner.end();
      seen.flows.sort((a, b) => a - b);
      expect(seen).toEqual(reference);
      expect(plain).toContain(2);
      expect(plain).toContain(3);
      expect(plain.length).toBeGreaterThan(100);
    }
  });

  it('reads each line of an ASCII chunk as parseFlowLine reads the line alone, with or without plainFlow', () => {
    // Whole lines in one ASCII chunk, the LANL case: up to two CRs dropped on every path.
    const quoted = FLOW.replace(',B,', ',"B",');
    const longTime = `${'9'.repeat(20)}${FLOW.slice(1)}`;
    const lines = [
      FLOW,
      `${FLOW}\r`,
      `${FLOW}\r\r`,
      `${quoted}\r\r`,
      `${longTime}\r\r`,
      'bad\r\r',
      '\r\r',
      `${FLOW}\r\r\r`,
    ];
    const bytes = Buffer.from(lines.join('\n'));
    const expected: Seen = { flows: [], invalid: [], skipped: [] };
    lines.forEach((line, index) => {
      const result = parseFlowLine(Buffer.from(line));
      const n = index + 1;
      if (result.kind === 'flow') expected.flows.push(n);
      else if (result.kind === 'invalid')
        expected.invalid.push({ line: n, reason: result.reason, bytes: line.length, length: line.length });
      else expected.skipped.push(n);
    });
    expect(expected.flows).toEqual([1, 2, 3, 4, 5]);
    expect(scan(bytes, 64 * 1024).seen).toEqual(expected);
    const seen: Seen = { flows: [], invalid: [], skipped: [] };
    const scanner = new FlowScanner({
      plainFlow: (_chunk, _start, _end, n) => seen.flows.push(n),
      flow: (_fields, _line, n) => seen.flows.push(n),
      invalid: (line, n, reason, length) => seen.invalid.push({ line: n, reason, bytes: line.length, length }),
      skipped: (n) => seen.skipped.push(n),
    });
    scanner.push(bytes);
    scanner.end();
    seen.flows.sort((a, b) => a - b);
    expect(seen).toEqual(expected);
  });
});
