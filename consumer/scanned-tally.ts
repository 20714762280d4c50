// Tallies a partition batch that kafkajs kept as record bytes: the same tally as tallyFlows over the
// same records decoded, with no object made for a record that is not a web request.
import type { Batch } from 'kafkajs';
import { FlowBytes, type FlowBytesView, readFlowBytes, readFlowValue } from '../flow/index.ts';
import {
  emptyRecordView,
  keptRecordBytes,
  keptRecordOffsets,
  type RecordView,
  recordHeaders,
  recordValue,
  scanRecordBatches,
} from '../kafka/index.ts';
import { ErrorCode, FlowwatchError } from '../runtime/index.ts';
import {
  type BatchTally,
  countFlow,
  countReadFlow,
  countUndecodable,
  emptyTally,
  tallyDeadLetters,
  tallyFlows,
} from './batch-tally.ts';

export interface ScannedTally {
  readonly tally: BatchTally;
  /** The timestamps of the flow records tallied, for the latency (none for dead letters). */
  readonly timestamps: readonly number[];
}

/**
 * Tallies a partition batch at offsets >= `from`: dead letters as such, flows from their bytes where
 * kafkajs kept them (keepRecordBytes), from its messages otherwise.
 */
export async function tallyBatch(
  batch: Batch,
  from: number,
  deadLetterTopic: string,
  maxEventTime: number,
): Promise<ScannedTally> {
  if (batch.topic === deadLetterTopic) return { tally: tallyDeadLetters(batch.messages, from), timestamps: [] };
  const bytes = keptRecordBytes(batch);
  if (bytes !== undefined) {
    const scanned = await tallyRecordBytes(bytes, from, maxEventTime);
    checkAgreement(batch, from, scanned);
    return { tally: scanned.tally, timestamps: scanned.timestamps };
  }
  const timestamps: number[] = [];
  for (const message of batch.messages) if (Number(message.offset) >= from) timestamps.push(Number(message.timestamp));
  return { tally: tallyFlows(batch.messages, from, maxEventTime), timestamps };
}

const flowView: FlowBytesView = { time: 0, deviceStart: 0, deviceEnd: 0 };

/**
 * Tallies the records of `bytes` (record batches, as fetched) at offsets >= `from`. A value the byte
 * check decides is counted from its bytes; any other is read by readFlowValue, as tallyFlows reads it.
 */
export async function tallyRecordBytes(
  bytes: Buffer,
  from: number,
  maxEventTime: number,
): Promise<ScannedTally & { readonly lastOffset: number }> {
  const tally = emptyTally();
  const timestamps: number[] = [];
  let lastOffset = -1;
  await scanRecordBatches(bytes, emptyRecordView(), (record: RecordView) => {
    if (record.offset < from) return;
    lastOffset = record.offset;
    timestamps.push(record.timestamp);
    const kind =
      record.valueStart === -1
        ? FlowBytes.undecided
        : readFlowBytes(record.bytes, record.valueStart, record.valueEnd, flowView);
    if (kind === FlowBytes.flow) return countFlow(tally, flowView.time, undefined, maxEventTime);
    if (kind === FlowBytes.webRequest) {
      const device = record.bytes.toString('latin1', flowView.deviceStart, flowView.deviceEnd);
      return countFlow(tally, flowView.time, device, maxEventTime);
    }
    const value = recordValue(record);
    const result = readFlowValue(value);
    if (!countReadFlow(tally, result, maxEventTime))
      countUndecodable(tally, { offset: String(record.offset), value, headers: recordHeaders(record) }, result);
  });
  return { tally, timestamps, lastOffset };
}

/**
 * Two walkers read the same bytes: the scanner decides what is counted, kafkajs' offsets decide the
 * next offset stored and committed. Records tallied (one timestamp each) and the last offset seen must
 * be the batch's own, or a wrong count would be written without a word.
 */
function checkAgreement(batch: Batch, from: number, scanned: ScannedTally & { readonly lastOffset: number }): void {
  let held = 0;
  for (const offset of keptRecordOffsets(batch)) if (offset >= from) held++;
  const counted = scanned.timestamps.length;
  if (counted === held && (counted === 0 || scanned.lastOffset === Number(batch.lastOffset()))) return;
  throw new FlowwatchError(
    ErrorCode.RECORDS_MISREAD,
    `The records of ${batch.topic} partition ${batch.partition} from offset ${from} were read two ways that disagree: ` +
      `${counted} scanned up to offset ${scanned.lastOffset}, ${held} held by kafkajs up to offset ${batch.lastOffset()}`,
  );
}
