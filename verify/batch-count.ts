// The batch answer, straight from the file: web requests per device and the totals. It shares the
// parser and validity rule with the stream side and nothing else, so a consumer bug cannot hide here.
import { Field, FlowBytes, type FlowInput, FlowScanner, isWebRequest } from '../flow/index.ts';
import type { DeviceCounts } from './device-counts.ts';

export interface BatchCounts {
  /** Web requests per DstDevice: only port-80 destinations, in bounded memory (they spill to disk). */
  readonly devices: DeviceCounts;
  flows: number;
  webRequests: number;
  invalidLines: number;
  skippedLines: number;
  lines: number;
}

export async function countFromInput(input: FlowInput, devices: DeviceCounts): Promise<BatchCounts> {
  const counts: BatchCounts = {
    devices,
    flows: 0,
    webRequests: 0,
    invalidLines: 0,
    skippedLines: 0,
    lines: 0,
  };
  const scanner = new FlowScanner({
    // A plain ASCII line, decided from its bytes: its DstDevice's bytes are its text.
    plainFlow: (bytes, _start, _end, _lineNumber, kind, view) => {
      counts.flows++;
      if (kind === FlowBytes.webRequest) {
        counts.webRequests++;
        devices.add(bytes.toString('latin1', view.deviceStart, view.deviceEnd), 1);
      }
    },
    flow: (fields) => {
      counts.flows++;
      if (isWebRequest(fields)) {
        counts.webRequests++;
        devices.add(fields[Field.DstDevice] as string, 1);
      }
    },
    invalid: () => {
      counts.invalidLines++;
    },
    skipped: () => {
      counts.skippedLines++;
    },
  });
  for await (const chunk of input.chunks()) scanner.push(chunk);
  scanner.end();
  counts.lines = scanner.counts.lines;
  return counts;
}
