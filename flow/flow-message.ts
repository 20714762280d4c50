// The topic's message schema, written in one place: how a flow and a dead letter become Kafka messages.
import type { IHeaders, Message } from 'kafkajs';
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
} as const;

export const RejectedBy = { line: 'line', message: 'message' } as const;

const CR = 0x0d;

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

/** A file line the producer rejected, raw bytes and all. */
export function rejectedLineMessage(
  line: Buffer,
  source: string,
  lineNumber: number,
  reason: string,
  sourceId: string,
): Message {
  return {
    key: source,
    value: line,
    headers: {
      [Header.rejectedBy]: RejectedBy.line,
      [Header.source]: source,
      [Header.line]: String(lineNumber),
      [Header.sourceId]: sourceId,
      [Header.reason]: reason,
    },
  };
}

/** A message a consumer could not read, with where it was found. */
export function rejectedMessage(
  value: Buffer | null,
  headers: IHeaders | undefined,
  at: { topic: string; partition: number; offset: string },
  reason: string,
): Message {
  return {
    key: `${at.topic}/${at.partition}`,
    value,
    headers: {
      ...headers,
      [Header.rejectedBy]: RejectedBy.message,
      [Header.topic]: at.topic,
      [Header.partition]: String(at.partition),
      [Header.offset]: at.offset,
      [Header.reason]: reason,
    },
  };
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
