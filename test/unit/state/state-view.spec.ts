import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { ViewSource } from '../../../state/index.ts';
import { StateViewReader } from '../../../state/index.ts';
import { answeringState } from '../../support/answering-state.ts';

/** An admin whose topic `flows` has two partitions, ending at 10 and 20, or that fails with `failure`. */
function kafka(failure?: Error): Admin {
  return {
    listTopics: async () => {
      if (failure !== undefined) throw failure;
      return ['flows'];
    },
    fetchTopicOffsets: async () => [
      { partition: 1, low: '0', high: '20', offset: '20' },
      { partition: 0, low: '0', high: '10', offset: '10' },
    ],
  } as unknown as Admin;
}

const options = { top: 3, minCount: 2, topics: ['flows'], readTimeoutMs: 1000 };

/** A reader whose condition changes are kept as `source: failure message or "answers"`. */
function viewReader(state = answeringState(), admin?: Admin) {
  const told: string[] = [];
  const report = (source: ViewSource, failure: unknown) =>
    told.push(`${source}: ${failure === undefined ? 'answers' : (failure as Error).message}`);
  const reader = new StateViewReader(state, options, report, admin && { admin: async () => admin });
  return { reader, told };
}

describe('the state as a view', () => {
  it('holds the ranking, totals, partial counts and, with Kafka, each partition against its applied offset', async () => {
    const state = answeringState({
      ranking: [{ device: 'Web1', webRequests: 5 }],
      totals: { flows: 9 },
      reads: {
        appliedOffsets: async () => new Map([['flows/0', 4]]),
        partialStarts: async () => new Map([['flows/1', 7]]),
      },
    });
    const view = await viewReader(state, kafka()).reader.read();
    expect(view.ranking).toEqual([{ device: 'Web1', webRequests: 5 }]);
    expect(view.totals.flows).toBe(9);
    expect(view.partialStarts).toEqual(new Map([['flows/1', 7]]));
    expect(view.progress).toEqual([
      { topic: 'flows', partition: 0, applied: 4, end: 10, lag: 6 },
      { topic: 'flows', partition: 1, applied: 0, end: 20, lag: 20 },
    ]);
  });

  it('reads no progress without Kafka, and none (saying so once) while Kafka does not answer', async () => {
    expect((await viewReader().reader.read()).progress).toBeUndefined();
    const { reader, told } = viewReader(answeringState(), kafka(new Error('broker down')));
    expect((await reader.read()).progress).toBeUndefined();
    expect((await reader.read()).progress).toBeUndefined();
    expect(told).toEqual(['Kafka: broker down']);
  });

  it('rejects while Redis does not answer, tells each change once, and that it answers again', async () => {
    let failure: Error | undefined = new Error('ECONNREFUSED');
    const state = answeringState({
      reads: {
        totals: async () => {
          if (failure !== undefined) throw failure;
          return { flows: 1, webRequests: 0, invalidLines: 0, undecodable: 0, timeOutliers: 0 };
        },
      },
    });
    const { reader, told } = viewReader(state);
    await expect(reader.read()).rejects.toThrow('ECONNREFUSED');
    await expect(reader.read()).rejects.toThrow('ECONNREFUSED');
    failure = new Error('NOAUTH');
    await expect(reader.read()).rejects.toThrow('NOAUTH');
    expect(reader.failedSource).toBe('Redis');
    failure = undefined;
    expect((await reader.read()).totals.flows).toBe(1);
    expect(reader.failedSource).toBeUndefined();
    await reader.read();
    expect(told).toEqual(['Redis: ECONNREFUSED', 'Redis: NOAUTH', 'Redis: answers']);
  });

  it('counts a read that does not answer in time as failed, so a dead connection cannot stall a display', async () => {
    const state = answeringState({ reads: { watermark: () => new Promise<never>(() => undefined) } });
    const told: string[] = [];
    const reader = new StateViewReader(state, { ...options, readTimeoutMs: 20 }, (source) => told.push(source));
    await expect(reader.read()).rejects.toThrow(/timed out after 20 ms/);
    expect(told).toEqual(['Redis']);
  });

  it('with progress required, rejects with Kafka’s own failure instead of leaving the progress out', async () => {
    const refused = new Error('Not authorized to access topics');
    // Kafka answers after the read's time allowance: its reason, not a timeout, must end the read.
    const slow = {
      listTopics: async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw refused;
      },
    } as unknown as Admin;
    const told: string[] = [];
    const reader = new StateViewReader(
      answeringState(),
      { ...options, readTimeoutMs: 20, progressRequired: true },
      (source) => told.push(source),
      { admin: async () => slow },
    );
    await expect(reader.read()).rejects.toBe(refused);
    expect(reader.failedSource).toBe('Kafka');
    expect(told).toEqual(['Kafka']);
  });
});
