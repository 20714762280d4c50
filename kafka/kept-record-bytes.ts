// The consumer's opt-in to kafkajs keeping a topic's fetched records as bytes (the patch's
// rawRecordSet.js): a batch of plain record batches then carries them for the scanner, not objects.
import { createRequire } from 'node:module';
import type { Batch } from 'kafkajs';

const rawRecordSet = createRequire(import.meta.url)('kafkajs/src/protocol/recordBatch/rawRecordSet') as {
  keepRecordBytes: (topic: string) => () => void;
};

/** From now on, plain record sets fetched from `topic` stay bytes; the function returned undoes it. */
export function keepRecordBytes(topic: string): () => void {
  return rawRecordSet.keepRecordBytes(topic);
}

/**
 * The record batches of a batch kafkajs kept as bytes, or undefined for one decoded into messages
 * (another topic, or a fetch with a compressed, transactional or control batch).
 */
export function keptRecordBytes(batch: Batch): Buffer | undefined {
  return (batch as Batch & { recordBytes?: Buffer }).recordBytes;
}

/**
 * The offsets kafkajs holds for a batch it kept as bytes (at or after the fetched offset): the figures
 * its lastOffset() and the committed offset come from, which the scanner's walk must agree with.
 */
export function keptRecordOffsets(batch: Batch): Float64Array {
  return (batch as Batch & { withinOffset: Float64Array }).withinOffset;
}
