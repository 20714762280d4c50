import { describe, expect, it } from 'vitest';
import { PartitionStart } from '../../../consumer/partition-start.ts';
import type { RetainedOffsets } from '../../../consumer/retained-offsets.ts';
import { createLogger, isFlowwatchError } from '../../../runtime/index.ts';
import type { ApplyResult, StateWriter } from '../../../state/index.ts';

const keepGoing = { keepGoing: () => true };

/** A start for a partition whose first retained offset is `low`, with Redis answering `startPartial` from `replies`. */
function partitionStart(low: number, replies: ApplyResult[], acceptPartial = true) {
  const asked: number[] = [];
  const failures: Error[] = [];
  const start = new PartitionStart({
    state: {
      startPartial: async (_id: string, _epoch: number, from: number) => {
        asked.push(from);
        const reply = replies.shift();
        if (reply === undefined) throw new Error('no more replies');
        return reply;
      },
    } as unknown as StateWriter,
    retained: { first: async () => low } as unknown as RetainedOffsets,
    admin: { fetchOffsets: async () => [] },
    group: 'g',
    keyPrefix: 'p',
    acceptPartial,
    log: createLogger('silent'),
    epochOf: async () => 1,
    seek: () => undefined,
    fail: (error) => failures.push(error),
  });
  return { start, asked, failures };
}

describe('where a partition without a stored position starts', () => {
  it('counts from 0 while Kafka still holds the whole partition, storing nothing', async () => {
    const { start, asked } = partitionStart(0, []);
    expect(await start.from('t', 0, 1, undefined, keepGoing)).toBe(0);
    expect(asked).toEqual([]);
  });

  it('stores a partial start, as asked, from the first retained offset', async () => {
    const { start, asked } = partitionStart(40, [{ status: 'applied', next: 40 }]);
    expect(await start.from('t', 0, 1, undefined, keepGoing)).toBe(40);
    expect(asked).toEqual([40]);
  });

  it('decides again from the offset another writer stored meanwhile', async () => {
    const { start, asked } = partitionStart(40, [{ status: 'offset-mismatch', stored: 55 }]);
    expect(await start.from('t', 0, 1, undefined, keepGoing)).toBe(55);
    expect(asked).toEqual([40]);
  });

  it('ends the member with the sentence when a partial count was not asked for', async () => {
    const { start, failures } = partitionStart(40, [], false);
    const error = await start.from('t', 0, 1, undefined, keepGoing).catch((thrown: unknown) => thrown);
    expect(isFlowwatchError(error, 'FW_STATE_PARTIAL')).toBe(true);
    expect(failures).toEqual([error]);
  });
});
