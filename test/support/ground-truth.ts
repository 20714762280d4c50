// The expected answer for a flow file, recomputed here with nothing but the shared line parser, so
// a bug in the consumer's or the batch job's aggregation cannot hide in the expectation.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Field, isHeaderLine, parseFlowLine } from '../../flow/index.ts';

export interface Truth {
  readonly scores: Map<string, number>;
  /** Web requests per event-time hour (floor(Time / 3600)), per DstDevice. */
  readonly hours: Map<number, Map<string, number>>;
  readonly flows: number;
  readonly webRequests: number;
  readonly invalidLines: number;
}

export function groundTruth(path: string): Truth {
  let bytes = readFileSync(path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  const scores = new Map<string, number>();
  const hours = new Map<number, Map<string, number>>();
  let flows = 0;
  let webRequests = 0;
  let invalidLines = 0;
  let start = 0;
  let lineNumber = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    const line = bytes.subarray(start, end);
    start = end + 1;
    lineNumber++;
    if (isHeaderLine(lineNumber, line)) continue;
    const result = parseFlowLine(line);
    if (result.kind === 'invalid') invalidLines++;
    if (result.kind !== 'flow') continue;
    flows++;
    if (Number(result.fields[Field.DstPort]) === 80 && /^\d+$/.test(result.fields[Field.DstPort] as string)) {
      webRequests++;
      const device = result.fields[Field.DstDevice] as string;
      scores.set(device, (scores.get(device) ?? 0) + 1);
      const hour = Math.floor(Number(result.fields[Field.Time]) / 3600);
      const perDevice = hours.get(hour) ?? new Map<string, number>();
      perDevice.set(device, (perDevice.get(device) ?? 0) + 1);
      hours.set(hour, perDevice);
    }
  }
  return { scores, hours, flows, webRequests, invalidLines };
}
