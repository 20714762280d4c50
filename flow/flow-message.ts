// The topic's message schema: how a flow and a dead letter become Kafka messages. The producer's hot
// path writes flows through flow-record.ts instead, the same bytes (tested against flowMessage).
import type { IHeaders, Message } from 'kafkajs';
import { headerBytes } from '../kafka/index.ts';
import { Field } from './flow.ts';
import { type LineResult, parseFlowLine } from './flow-line.ts';

export const Header = {
  /** Where the flow came from: a file's base name, or `stdin`. */
  source: 'source',
  /** 1-based line number in the source. */
  line: 'line',
  /** `<fingerprint>/<stream>`: which content and which publication of the source (see source-identity.ts). */
  sourceId: 'source-id',
  /** Dead letters: why the line or message was rejected. */
  reason: 'reason',
  /** Dead letters: `line` (the producer rejected a file line) or `message` (a consumer could not read a message). */
  rejectedBy: 'rejected-by',
  /** Dead letters from a consumer: where the unreadable message was. */
  topic: 'topic',
  partition: 'partition',
  offset: 'offset',
  /** Dead letters whose value was cut (see deadLetterBounds): the whole line's or message's length in bytes. */
  fullLength: 'full-length',
  /** Consumer dead letters whose message's own headers were too large to copy: how many were left out. */
  droppedHeaders: 'dropped-headers',
} as const;

export const RejectedBy = { line: 'line', message: 'message' } as const;

const CR = 0x0d;

/**
 * A dead letter keeps at most this much of the line or message it stands for: far more than any flow
 * line (the producer cuts lines at 4 KiB) and enough to tell what another program wrote, while a
 * message written by it may be as large as its topic accepts, more than the dead-letter topic may.
 */
export const DEAD_LETTER_VALUE_BYTES = 64 * 1024;
/** A consumer's dead letter copies the unreadable message's own headers when they total at most this. */
export const DEAD_LETTER_COPIED_HEADER_BYTES = 16 * 1024;

/** How much of a value and of copied headers a dead letter keeps. */
export interface DeadLetterBounds {
  readonly valueBytes: number;
  readonly copiedHeaderBytes: number;
}

/** The bounds on a topic with room for them all (message-fit.ts lowers them for a smaller one). */
const DEFAULT_BOUNDS: DeadLetterBounds = {
  valueBytes: DEAD_LETTER_VALUE_BYTES,
  copiedHeaderBytes: DEAD_LETTER_COPIED_HEADER_BYTES,
};

/** The value kept, and the full-length header when it was cut. */
function keptValue(value: Buffer, fullLength: number, bounds: DeadLetterBounds): { value: Buffer; cut?: string } {
  const kept = value.length <= bounds.valueBytes ? value : value.subarray(0, bounds.valueBytes);
  return { value: kept, cut: fullLength > kept.length ? String(fullLength) : undefined };
}

/**
 * A flow: key = DstDevice, value = the line as it stood in the file (UTF-8, no line end). `source`
 * and `sourceId` may be given encoded once, so the hot path does not encode them for every message.
 */
export function flowMessage(
  fields: readonly string[],
  line: Buffer,
  source: Buffer | string,
  lineNumber: number,
  sourceId: Buffer | string,
): Message {
  const value = line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line;
  return {
    key: fields[Field.DstDevice] as string,
    value,
    headers: { [Header.source]: source, [Header.line]: String(lineNumber), [Header.sourceId]: sourceId },
  };
}

/**
 * A file line the producer rejected, raw bytes and all, up to the bounds; `fullLength` is the whole
 * line's length when `line` is only its head (an over-long line).
 */
export function rejectedLineMessage(
  line: Buffer,
  source: string,
  lineNumber: number,
  reason: string,
  sourceId: string,
  kept: { readonly fullLength?: number; readonly bounds?: DeadLetterBounds } = {},
): Message {
  const { value, cut } = keptValue(line, kept.fullLength ?? line.length, kept.bounds ?? DEFAULT_BOUNDS);
  const headers: IHeaders = {
    [Header.rejectedBy]: RejectedBy.line,
    [Header.source]: source,
    [Header.line]: String(lineNumber),
    [Header.sourceId]: sourceId,
    [Header.reason]: reason,
  };
  if (cut !== undefined) headers[Header.fullLength] = cut;
  return { key: source, value, headers };
}

/**
 * A message a consumer could not read, with where it was found: its value up to the bounds, and its
 * own headers if they are small enough (another program may have written a message of any size).
 */
export function rejectedMessage(
  original: { readonly value: Buffer | null; readonly headers?: IHeaders },
  at: { readonly topic: string; readonly partition: number; readonly offset: string },
  reason: string,
  bounds: DeadLetterBounds = DEFAULT_BOUNDS,
): Message {
  const { value, cut } =
    original.value === null
      ? { value: null, cut: undefined }
      : keptValue(original.value, original.value.length, bounds);
  const copied = original.headers !== undefined && headerBytes(original.headers) <= bounds.copiedHeaderBytes;
  const headers: IHeaders = copied ? { ...original.headers } : {};
  headers[Header.rejectedBy] = RejectedBy.message;
  headers[Header.topic] = at.topic;
  headers[Header.partition] = String(at.partition);
  headers[Header.offset] = at.offset;
  headers[Header.reason] = reason;
  if (cut !== undefined) headers[Header.fullLength] = cut;
  if (!copied && original.headers !== undefined) headers[Header.droppedHeaders] = String(headerCount(original.headers));
  return { key: `${at.topic}/${at.partition}`, value, headers };
}

function headerCount(headers: IHeaders): number {
  let count = 0;
  for (const key in headers) {
    const value = headers[key];
    count += Array.isArray(value) ? value.length : 1;
  }
  return count;
}

const EMPTY_VALUE: LineResult = { kind: 'invalid', reason: 'the message has no value' };

/** Reads a flow message's value with the same parser and validity rule as the file. */
export function readFlowValue(value: Buffer | null): LineResult {
  return value === null ? EMPTY_VALUE : parseFlowLine(value);
}

/** A header's value as text. */
export function headerText(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
}
