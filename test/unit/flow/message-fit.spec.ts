// The largest flow and dead letter measured against a topic's limit at start: a topic too small is
// refused before anything is sent, and a dead letter cut to its bounds always fits.
import type { IHeaders } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import {
  deadLetterBounds,
  flowMessage,
  MAX_LINE_BYTES,
  refuseTopicsTooSmall,
  rejectedLineMessage,
  rejectedMessage,
} from '../../../flow/index.ts';
import { recordBatchBudget, recordBytes } from '../../../kafka/index.ts';
import { ErrorCode, isFlowwatchError } from '../../../runtime/index.ts';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(isFlowwatchError(error) && error.code).toBe(ErrorCode.KAFKA_TOPIC_LAYOUT);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

const SOURCE_ID = '0123456789abcdef/123456789';

describe('refuseTopicsTooSmall', () => {
  it('refuses a flow topic that cannot hold a 4 KiB line with its headers, naming topic and setting', () => {
    const message = refusal(() =>
      refuseTopicsTooSmall({
        flows: { topic: 'flows', limit: { bytes: 6000, setting: 'max.message.bytes' } },
        deadLetters: { topic: 'flows.invalid', limit: { bytes: 1024 * 1024, setting: 'max.message.bytes' } },
        source: 'f.csv',
        sourceId: SOURCE_ID,
      }),
    );
    expect(message).toMatch(/topic flows accepts record batches of at most 6000 bytes \(max\.message\.bytes\)/);
  });

  it('refuses a dead-letter topic too small for the fixed part of a dead letter of this source', () => {
    const message = refusal(() =>
      refuseTopicsTooSmall({
        deadLetters: { topic: 'flows.invalid', limit: { bytes: 4096, setting: 'message.max.bytes' } },
        source: 's'.repeat(2000),
        sourceId: SOURCE_ID,
      }),
    );
    expect(message).toMatch(/topic flows\.invalid .* \(message\.max\.bytes\)/);
  });

  it('accepts topics that hold the largest flow, and the largest flow really fits', () => {
    const limit = { bytes: 16 * 1024, setting: 'max.message.bytes' };
    const source = 'x'.repeat(200);
    refuseTopicsTooSmall({
      flows: { topic: 'flows', limit },
      deadLetters: { topic: 'flows.invalid', limit },
      source,
      sourceId: SOURCE_ID,
    });
    const fields = Array.from({ length: 11 }, (_, i) => (i === 3 ? 'd'.repeat(MAX_LINE_BYTES - 10) : ''));
    const line = Buffer.from(fields.join(','));
    const largest = flowMessage(fields, line, source, Number.MAX_SAFE_INTEGER, SOURCE_ID);
    expect(recordBytes(largest)).toBeLessThanOrEqual(recordBatchBudget(limit.bytes));
  });
});

describe('deadLetterBounds on small limits and long source names', () => {
  const huge = Buffer.alloc(256 * 1024, 0x7e);
  for (const limit of [4096, 8192, 16 * 1024, 1_048_588]) {
    for (const origin of ['f.csv', 'n'.repeat(1000), 'n'.repeat(1500)]) {
      it(`a dead letter fits a ${limit}-byte topic for a ${origin.length}-byte source`, () => {
        const topics = {
          deadLetters: { topic: 'flows.invalid', limit: { bytes: limit, setting: 'max.message.bytes' } },
          source: origin,
          sourceId: SOURCE_ID,
        };
        // A topic too small for even the fixed part is refused at start; any other holds every letter.
        refuseTopicsTooSmall(topics);
        const bounds = deadLetterBounds(limit, origin, SOURCE_ID);
        const line = rejectedLineMessage(
          huge.subarray(0, MAX_LINE_BYTES),
          origin,
          Number.MAX_SAFE_INTEGER,
          'line longer than 4096 bytes (262144 bytes)',
          SOURCE_ID,
          { fullLength: huge.length, bounds },
        );
        const copied: IHeaders = { a: 'v'.repeat(Math.max(0, bounds.copiedHeaderBytes - 8)) };
        const message = rejectedMessage(
          { value: huge, headers: copied },
          { topic: origin, partition: 2_147_483_647, offset: '9223372036854775807' },
          'expected 11 fields, found 12',
          bounds,
        );
        if (bounds.copiedHeaderBytes >= 64) expect(message.headers?.a).toBeDefined();
        for (const letter of [line, message]) {
          expect(recordBytes(letter)).toBeLessThanOrEqual(recordBatchBudget(limit));
        }
      });
    }
  }
});
