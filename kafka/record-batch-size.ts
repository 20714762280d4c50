// How many bytes kafkajs messages take as a Kafka record batch, and how a partition's share of a send
// is cut into record batches that each stay under what the topic accepts (its max.message.bytes).
// kafkajs sends a partition's messages of one request as one record batch and never splits it by size.
import type { IHeaders, Message } from 'kafkajs';
import { ErrorCode, FlowwatchError } from '../runtime/index.ts';
import { BATCH_HEADER_BYTES } from './record-batch-encoder.ts';
import { fieldBytes, headersBytes, varintBytes } from './record-field-bytes.ts';

/** The record batch's own header (Kafka's v2 format): base offset, length, epoch, magic, CRC, ... */
export const RECORD_BATCH_HEADER_BYTES = BATCH_HEADER_BYTES;
/** Room kept free under the limit, so that a slip in the estimate below can never reach it. */
export const RECORD_BATCH_MARGIN_BYTES = 512;
/**
 * The largest record batch sent even where a topic accepts more: bigger ones barely speed a send up,
 * grow memory on both sides, and a request must stay far under the broker's socket.request.max.bytes.
 */
export const MAX_RECORD_BATCH_BYTES = 1024 * 1024;

/** Upper bounds of fields whose value kafkajs sets while encoding: the timestamp and offset deltas. */
const TIMESTAMP_DELTA_BYTES = 10;
const OFFSET_DELTA_BYTES = 5;

/** Bytes of a record's headers: their count, then each key and value (no array made per header: a hot path). */
export function headerBytes(headers: IHeaders | undefined): number {
  return headersBytes(headers).bytes;
}

/** The most bytes one message can take as a record of a batch. */
export function recordBytes(message: Message): number {
  const body =
    1 + // attributes
    TIMESTAMP_DELTA_BYTES +
    OFFSET_DELTA_BYTES +
    fieldBytes(message.key) +
    fieldBytes(message.value) +
    headerBytes(message.headers);
  return varintBytes(body) + body;
}

/** The bytes records may take in one batch for a topic that accepts record batches of `limitBytes`. */
export function recordBatchBudget(limitBytes: number): number {
  return Math.min(limitBytes, MAX_RECORD_BATCH_BYTES) - RECORD_BATCH_HEADER_BYTES - RECORD_BATCH_MARGIN_BYTES;
}

/** A single message too large for any record batch of the topic, in one sentence. */
export function messageTooLarge(size: number, topic: string, limitBytes: number): FlowwatchError {
  return new FlowwatchError(
    ErrorCode.KAFKA_TOPIC_LAYOUT,
    `a message of ${size} bytes does not fit in a record batch of topic ${topic}, which accepts at most ${limitBytes} bytes (max.message.bytes): raise it`,
  );
}

/**
 * Cuts messages bound for one partition into record batches under the topic's limit, in their order.
 * A single message too large for any batch is refused in one sentence; the commands measure their
 * largest messages against each topic at start (flow/message-fit.ts), so it does not happen there.
 */
export function splitRecordBatches(messages: readonly Message[], limitBytes: number, topic: string): Message[][] {
  const budget = recordBatchBudget(limitBytes);
  const batches: Message[][] = [];
  let current: Message[] = [];
  let used = 0;
  for (const message of messages) {
    const size = recordBytes(message);
    if (size > budget) {
      throw messageTooLarge(size, topic, limitBytes);
    }
    if (used + size > budget && current.length > 0) {
      batches.push(current);
      current = [];
      used = 0;
    }
    current.push(message);
    used += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
