// The producer's form of a flow message (flow-message.ts): the same key, value and headers, carried
// as one LineRecord that the record batch encoder writes byte for byte as it would the Message.
import { LineHeaders, LineRecord } from '../kafka/index.ts';
import { Field } from './flow.ts';
import { Header } from './flow-message.ts';

const CR = 0x0d;

/** A stream's flow headers, as flowMessage writes them: source, line, source-id, in that order. */
export function flowHeaders(source: Buffer | string, sourceId: Buffer | string): LineHeaders {
  return new LineHeaders([Header.source, source], Header.line, [Header.sourceId, sourceId]);
}

/** The value ends before one trailing CR, as flowMessage's does. */
function valueEnd(bytes: Buffer, start: number, end: number): number {
  return end > start && bytes[end - 1] === CR ? end - 1 : end;
}

/**
 * A flow decided from its bytes: the line is `bytes[start, end)`, DstDevice (the key) lies at
 * `[deviceStart, deviceEnd)` of the same bytes, and its Time is `time`.
 */
export function plainFlowRecord(
  bytes: Buffer,
  start: number,
  end: number,
  device: { readonly deviceStart: number; readonly deviceEnd: number; readonly time: number },
  lineNumber: number,
  headers: LineHeaders,
): LineRecord {
  const { deviceStart, deviceEnd, time } = device;
  return new LineRecord(
    bytes,
    start,
    valueEnd(bytes, start, end),
    bytes,
    deviceStart,
    deviceEnd,
    lineNumber,
    time,
    headers,
  );
}

/** A flow read into fields (a quoted or non-ASCII line): its key is DstDevice's UTF-8 bytes. */
export function splitFlowRecord(
  fields: readonly string[],
  line: Buffer,
  lineNumber: number,
  headers: LineHeaders,
): LineRecord {
  const key = Buffer.from(fields[Field.DstDevice] as string, 'utf8');
  const time = Number(fields[Field.Time]);
  return new LineRecord(line, 0, valueEnd(line, 0, line.length), key, 0, key.length, lineNumber, time, headers);
}
