// Where a run of a source starts, decided from what the topics already hold of it: the last message
// of the source's name in each partition; and the refusal when they hold it from other content. Pure,
// so every case is a unit test.
//
// Why the last message of a partition is enough: a run sends a partition its lines in increasing
// line order, with at most one request in flight per partition, and the idempotent producer writes a
// retried request once. So for each partition p the topic holds exactly this stream's lines routed
// to p up to the highest one there, H(p); a line is already published iff its partition's H(p) is at
// least its number. Runs of one source follow each other (one producer per source at a time), so a
// partition whose last message of the name belongs to an older stream holds nothing of the newest.
import { parseSourceId, type SourceId, STDIN_FINGERPRINT } from '../flow/index.ts';
import { ErrorCode, FlowwatchError } from '../runtime/index.ts';

/** The last message of the source's name in one partition. */
export interface SourceTail {
  /** The raw `source-id` header: undefined when absent (a message of an older flowwatch). */
  readonly sourceId: string | undefined;
  readonly line: number;
}

/** Per partition of the flow topic and of the dead-letter topic: the name's last message there, if any. */
export interface SourceTails {
  readonly flows: readonly (SourceTail | undefined)[];
  readonly deadLetters: readonly (SourceTail | undefined)[];
}

export type ResumePoint =
  | {
      readonly kind: 'publish';
      readonly stream: number;
      /** True when part of this stream is in the topic already. */
      readonly resumed: boolean;
      /** Per partition: every line of the stream up to this one is there already (0: none). */
      readonly flows: readonly number[];
      readonly deadLetters: readonly number[];
    }
  | {
      /** The name's newest stream in the topic came from other content: refused. */
      readonly kind: 'changed';
      readonly stream: number;
      /** Its fingerprint; undefined when its messages carry none (an older flowwatch). */
      readonly fingerprint: string | undefined;
    };

/**
 * The `line` header of a message read back: a line number as flowwatch writes it (decimal digits, no
 * leading zero, 1 or more), or undefined. A message of the source's name with anything else there was
 * not written by flowwatch and says nothing about where the stream stops: the tail finder passes it
 * over (a non-number read as NaN once made a whole partition count as published).
 */
export function lineOfHeader(text: string | undefined): number | undefined {
  if (text === undefined || !/^[1-9][0-9]{0,14}$/.test(text)) return undefined;
  return Number(text);
}

interface Seen {
  readonly id: SourceId | undefined;
  readonly line: number;
}

/**
 * `fingerprint`: this input's (see source-identity.ts). `newStream`: publish as a new stream even if
 * the topic holds this source already (`--again`, or standard input without a name).
 */
export function resumePoint(tails: SourceTails, fingerprint: string, newStream: boolean): ResumePoint {
  const read = (list: readonly (SourceTail | undefined)[]): (Seen | undefined)[] =>
    list.map((tail) => (tail === undefined ? undefined : { id: parseSourceId(tail.sourceId), line: tail.line }));
  const flows = read(tails.flows);
  const deadLetters = read(tails.deadLetters);
  const seen = [...flows, ...deadLetters].filter((s): s is Seen => s !== undefined);
  const none = (list: readonly unknown[]) => list.map(() => 0);
  // Messages without a source-id count as stream 0: older than any stream with one.
  const newest = Math.max(0, ...seen.map((s) => s.id?.stream ?? 0));
  if (seen.length === 0 || newStream) {
    return { kind: 'publish', stream: newest + 1, resumed: false, flows: none(flows), deadLetters: none(deadLetters) };
  }
  const held = seen.find((s) => (s.id?.stream ?? 0) === newest)?.id;
  if (held === undefined || held.fingerprint !== fingerprint) {
    return { kind: 'changed', stream: newest, fingerprint: held?.fingerprint };
  }
  const upTo = (list: readonly (Seen | undefined)[]) =>
    list.map((s) => (s !== undefined && s.id?.stream === newest ? s.line : 0));
  return { kind: 'publish', stream: newest, resumed: true, flows: upTo(flows), deadLetters: upTo(deadLetters) };
}

/** The refusal to mix another content into a stream: one sentence saying what to do instead. */
export function sourceChanged(
  topic: string,
  source: string,
  point: Extract<ResumePoint, { kind: 'changed' }>,
  fingerprint: string,
): FlowwatchError {
  const held =
    point.fingerprint === undefined
      ? 'without a fingerprint (an earlier flowwatch published it)'
      : point.fingerprint === STDIN_FINGERPRINT
        ? 'read from standard input'
        : `with fingerprint ${point.fingerprint}`;
  const mine = fingerprint === STDIN_FINGERPRINT ? 'this is standard input' : `this file's is ${fingerprint}`;
  return new FlowwatchError(
    ErrorCode.SOURCE_CHANGED,
    `the topic ${topic} already holds ${source}, from other content (stream ${point.stream} ${held}; ${mine}), so it cannot be resumed from this input: publish it as a new stream with --again, or under another name with --source NAME`,
  );
}
