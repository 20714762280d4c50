import { describe, expect, it } from 'vitest';
import { waitUntilCaughtUp } from '../../../consumer/caught-up-watch.ts';

const TOPIC = 'flows';

/**
 * A topic of one partition whose end Kafka reports from `ends` (the last one repeated), and a state
 * whose applied offset Redis reports from `applied` in turn (the last one repeated).
 */
function watched(ends: number[], applied: number[]) {
  const asked = { kafka: 0, redis: 0 };
  const admin = {
    listTopics: async () => [TOPIC],
    fetchTopicOffsets: async () => {
      const high = ends[Math.min(asked.kafka++, ends.length - 1)] as number;
      return [{ partition: 0, offset: String(high), high: String(high), low: '0' }];
    },
  };
  const state = {
    appliedOffsets: async () =>
      new Map([[`${TOPIC}/0`, applied[Math.min(asked.redis++, applied.length - 1)] as number]]),
  };
  const wait = () => waitUntilCaughtUp(admin, state, [TOPIC], { intervalMs: 1, signal: new AbortController().signal });
  return { asked, wait };
}

describe('waiting until every partition is applied to its end', () => {
  it('asks Kafka for the ends once, then only Redis until they are reached, then Kafka again to be sure', async () => {
    const { asked, wait } = watched([100], [0, 40, 99, 100]);
    await wait();
    expect(asked).toEqual({ kafka: 2, redis: 4 });
  });

  it('keeps waiting when the topic grew meanwhile: the ends just read decide', async () => {
    const { asked, wait } = watched([100, 150], [50, 100, 120, 150]);
    await wait();
    expect(asked).toEqual({ kafka: 3, redis: 4 });
  });

  it('is done at once for a state already at the ends', async () => {
    const { asked, wait } = watched([100], [100]);
    await wait();
    expect(asked).toEqual({ kafka: 1, redis: 1 });
  });

  it('stops waiting when told to', async () => {
    const stop = new AbortController();
    let looks = 0;
    const admin = {
      listTopics: async () => [TOPIC],
      fetchTopicOffsets: async () => [{ partition: 0, offset: '100', high: '100', low: '0' }],
    };
    const state = {
      appliedOffsets: async () => {
        if (++looks === 3) stop.abort();
        return new Map([[`${TOPIC}/0`, 0]]);
      },
    };
    await waitUntilCaughtUp(admin, state, [TOPIC], { intervalMs: 1, signal: stop.signal });
    expect(looks).toBe(3);
  });
});
