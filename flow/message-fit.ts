// The largest messages flowwatch writes, measured against a topic's limit once at start: what a dead
// letter keeps so that it always fits, and a topic too small for them refused before anything is sent.

import { type RecordBatchLimit, recordBatchBudget, recordBytes } from '../kafka/index.ts';
import { ErrorCode, FlowwatchError } from '../runtime/index.ts';
import { FIELD_COUNT } from './flow.ts';
import { MAX_LINE_BYTES } from './flow-line.ts';
import {
  DEAD_LETTER_COPIED_HEADER_BYTES,
  DEAD_LETTER_VALUE_BYTES,
  type DeadLetterBounds,
  Header,
  RejectedBy,
} from './flow-message.ts';

/** The longest decimal numbers a header holds: a line number or offset (2^63), a partition or count. */
const LONGEST_NUMBER = '9'.repeat(19);
/** flowwatch's reasons are short fixed sentences; this is well above the longest. */
const LONGEST_REASON = 'r'.repeat(256);
/** Room for the length varints of a value and of copied headers, which grow with them. */
const VARINT_SLACK_BYTES = 16;

/**
 * The bytes of a dead letter without its value and copied headers, the larger of its two kinds:
 * `origin` is the source (a producer's, key and header) or the flow topic (a consumer's).
 */
function deadLetterFixedBytes(origin: string, sourceId: string): number {
  const line = recordBytes({
    key: origin,
    value: Buffer.alloc(0),
    headers: {
      [Header.rejectedBy]: RejectedBy.line,
      [Header.source]: origin,
      [Header.line]: LONGEST_NUMBER,
      [Header.sourceId]: sourceId,
      [Header.reason]: LONGEST_REASON,
      [Header.fullLength]: LONGEST_NUMBER,
    },
  });
  const message = recordBytes({
    key: `${origin}/${LONGEST_NUMBER}`,
    value: Buffer.alloc(0),
    headers: {
      [Header.rejectedBy]: RejectedBy.message,
      [Header.topic]: origin,
      [Header.partition]: LONGEST_NUMBER,
      [Header.offset]: LONGEST_NUMBER,
      [Header.reason]: LONGEST_REASON,
      [Header.fullLength]: LONGEST_NUMBER,
      [Header.droppedHeaders]: LONGEST_NUMBER,
    },
  });
  return Math.max(line, message) + VARINT_SLACK_BYTES;
}

/**
 * What a dead letter keeps on a topic that accepts record batches of `recordBatchBytes`: 64 KiB of the
 * value and 16 KiB of copied headers, or on a smaller topic what is left of its budget after the
 * fixed part (four fifths for the value), so that a dead letter always fits. Negative room: none.
 */
export function deadLetterBounds(recordBatchBytes: number, origin: string, sourceId: string): DeadLetterBounds {
  const room = Math.max(0, recordBatchBudget(recordBatchBytes) - deadLetterFixedBytes(origin, sourceId));
  const valueBytes = Math.min(DEAD_LETTER_VALUE_BYTES, Math.floor((room * 4) / 5));
  return { valueBytes, copiedHeaderBytes: Math.min(DEAD_LETTER_COPIED_HEADER_BYTES, room - valueBytes) };
}

/** The most bytes a flow of this source takes as a record: a longest line, its longest field as key. */
export function largestFlowBytes(source: string, sourceId: string): number {
  return recordBytes({
    key: 'k'.repeat(MAX_LINE_BYTES - (FIELD_COUNT - 1)),
    value: Buffer.alloc(MAX_LINE_BYTES),
    headers: { [Header.source]: source, [Header.line]: LONGEST_NUMBER, [Header.sourceId]: sourceId },
  });
}

function tooSmall(topic: string, limit: RecordBatchLimit, what: string, bytes: number): FlowwatchError {
  return new FlowwatchError(
    ErrorCode.KAFKA_TOPIC_LAYOUT,
    `topic ${topic} accepts record batches of at most ${limit.bytes} bytes (${limit.setting}), too few for ${what} of ${bytes} bytes and Kafka's framing: raise it`,
  );
}

/**
 * Refuses, before anything is sent, a flow topic that cannot hold the largest flow of this source,
 * or a dead-letter topic that cannot hold a dead letter's fixed part (its value would be cut to fit).
 * `source` is the producer's source, or the flow topic for a consumer's dead letters.
 */
export function refuseTopicsTooSmall(topics: {
  readonly flows?: { readonly topic: string; readonly limit: RecordBatchLimit };
  readonly deadLetters: { readonly topic: string; readonly limit: RecordBatchLimit };
  readonly source: string;
  readonly sourceId: string;
}): void {
  const { flows, deadLetters, source, sourceId } = topics;
  if (flows !== undefined) {
    const largest = largestFlowBytes(source, sourceId);
    if (largest > recordBatchBudget(flows.limit.bytes)) throw tooSmall(flows.topic, flows.limit, 'a flow', largest);
  }
  const fixed = deadLetterFixedBytes(source, sourceId);
  if (fixed > recordBatchBudget(deadLetters.limit.bytes))
    throw tooSmall(deadLetters.topic, deadLetters.limit, 'the headers of a dead letter', fixed);
}
