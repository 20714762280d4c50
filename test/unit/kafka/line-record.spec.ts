// A line carried as a LineRecord is written as the very bytes kafkajs writes for the flow message it
// stands for (flowMessage: key DstDevice, value the line without its CR, headers source, line,
// source-id), whatever the header values, the line number's digits and the ranges' lengths.
import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { Field, flowHeaders, flowMessage, plainFlowRecord, splitFlowRecord } from '../../../flow/index.ts';
import { type Encodable, LineRecord, RecordBatchEncoder } from '../../../kafka/index.ts';
import { BATCH_HEADER_BYTES, type SealFields } from '../../../kafka/record-batch-encoder.ts';
import { encodedBatch, kafkajsBatch } from '../../support/sealed-batches.ts';

const SEAL: SealFields = { producerId: 4711n, producerEpoch: 3, firstSequence: 7, transactional: false };
const TIME = 1_765_000_000_000;

const encoded = (records: readonly Encodable[]) => encodedBatch(records, SEAL, TIME);
const kafkajsBytes = (messages: readonly Message[]) => kafkajsBatch(messages, SEAL, TIME);

const LINE = '118781,49,Comp300446,Comp785232,6,Port48559,80,10,35,13910,28490';
const LINE_NUMBERS = [1, 9, 10, 99, 100, 12_345, 1_000_000, 2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER];
const SOURCES: [Buffer | string, Buffer | string][] = [
  ['flows.csv', '0123456789abcdef/1'],
  [Buffer.from('flows.csv'), Buffer.from('0123456789abcdef/1')],
  ['flöws ✓.csv', 'stdin/12'],
  ['x'.repeat(100), Buffer.from('y'.repeat(300))],
  ['', ''],
];

/** A line set in a larger buffer, as in a chunk of the file, read as the producer reads it. */
function plainRecord(line: string, lineNumber: number, headers: ReturnType<typeof flowHeaders>) {
  const chunk = Buffer.from(`a,b\n${line}\nc\n`);
  const start = 4;
  const end = start + Buffer.byteLength(line);
  const fields = line.replace(/\r$/, '').split(',');
  const deviceStart = chunk.indexOf(`,${fields[Field.DstDevice]},`, start) + 1;
  const device = { deviceStart, deviceEnd: deviceStart + (fields[Field.DstDevice] as string).length, time: 1 };
  return { record: plainFlowRecord(chunk, start, end, device, lineNumber, headers), fields, chunk, start, end };
}

describe('a line as a LineRecord', () => {
  it('is written as kafkajs writes its flow message, for any source, line number and range', async () => {
    const long = LINE.replace('Comp785232', `Comp${'7'.repeat(80)}`);
    for (const [source, sourceId] of SOURCES) {
      const headers = flowHeaders(source, sourceId);
      for (const line of [LINE, `${LINE}\r`, long, LINE.replace(',80,', ',8080,')]) {
        for (const lineNumber of LINE_NUMBERS) {
          const { record, fields, chunk, start, end } = plainRecord(line, lineNumber, headers);
          const message = flowMessage(fields, chunk.subarray(start, end), source, lineNumber, sourceId);
          expect(encoded([record]), `${line} ${lineNumber}`).toEqual(await kafkajsBytes([message]));
        }
      }
    }
  });

  it('keys a flow read into fields (quoted, non-ASCII) by its DstDevice text, as its message', async () => {
    const headers = flowHeaders('flows.csv', 'f/1');
    const fields = LINE.split(',');
    fields[Field.DstDevice] = 'Gerät ✓';
    const line = Buffer.from(`${fields.join(',')}\r`);
    const record = splitFlowRecord(fields, line, 42, headers);
    expect(encoded([record])).toEqual(await kafkajsBytes([flowMessage(fields, line, 'flows.csv', 42, 'f/1')]));
  });

  it('mixes with kafkajs messages in one batch, each at its offset', async () => {
    const headers = flowHeaders('flows.csv', 'f/1');
    const records: Encodable[] = [];
    const messages: Message[] = [];
    for (let i = 1; i <= 300; i++) {
      const { record, fields, chunk, start, end } = plainRecord(LINE, i, headers);
      const message = flowMessage(fields, chunk.subarray(start, end), 'flows.csv', i, 'f/1');
      records.push(i % 3 === 0 ? message : record);
      messages.push(message);
    }
    expect(encoded(records)).toEqual(await kafkajsBytes(messages));
  });

  it('is cut at its exact size: what the batch holds fits the budget, the next line would not', () => {
    const headers = flowHeaders('flows.csv', 'f/1');
    for (const budget of Array.from({ length: 500 }, (_, i) => 50 + i)) {
      const encoder = new RecordBatchEncoder(64);
      let lineNumber = 5;
      while (encoder.add(plainRecord(LINE, lineNumber, headers).record, budget)) lineNumber += 3;
      const next = encoder.nextRecordBytes(plainRecord(LINE, lineNumber, headers).record);
      const size = encoder.size - BATCH_HEADER_BYTES;
      expect(size).toBeLessThanOrEqual(budget);
      expect(size + next).toBeGreaterThan(budget);
    }
  });

  it('is one object of plain fields: no headers object, no string per line', () => {
    const { record } = plainRecord(LINE, 7, flowHeaders('flows.csv', 'f/1'));
    expect(record).toBeInstanceOf(LineRecord);
    expect(record.bytes).toBe(record.keyBytes);
  });
});
