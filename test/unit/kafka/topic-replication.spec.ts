import { describe, expect, it } from 'vitest';
import { creationVerdict, existingTopicVerdict } from '../../../kafka/topic-replication.ts';

/** A topic of `partitions` partitions, each on the nodes given. */
const topic = (partitions: number, replicas: number[]) => ({
  name: 'flows',
  partitions: Array.from({ length: partitions }, () => ({ replicas })),
});

describe('an existing topic', () => {
  it('will do with the replicas asked for and every broker answering, without a word', () => {
    expect(existingTopicVerdict(topic(4, [1, 2, 3]), 3, [1, 2, 3])).toEqual({ kind: 'fine' });
  });

  it('will do with the replicas asked for while one of its brokers is down, and says which', () => {
    expect(existingTopicVerdict(topic(4, [3, 1, 2]), 3, [1, 3])).toEqual({
      kind: 'fine',
      warning:
        'topic flows has 3 replicas per partition; 1 of 3 brokers is not answering (node 2): going on with the others',
    });
  });

  it('will do with two of its brokers down, counted with the brokers that answer but hold none of it', () => {
    expect(existingTopicVerdict(topic(2, [1, 2, 3]), 3, [1, 4])).toEqual({
      kind: 'fine',
      warning:
        'topic flows has 3 replicas per partition; 2 of 4 brokers are not answering (node 2, 3): going on with the others',
    });
  });

  it('is refused with fewer replicas than asked, whichever brokers answer', () => {
    const verdict = existingTopicVerdict(
      { name: 'flows', partitions: [{ replicas: [1, 2, 3] }, { replicas: [2] }] },
      3,
      [1, 2, 3],
    );
    expect(verdict).toEqual({
      kind: 'refused',
      reason:
        'topic flows has 1 replica per partition, fewer than the 3 asked for: add replicas with kafka-reassign-partitions, use another topic, or ask for 1 (--replication-factor)',
    });
  });

  it('with more replicas than asked will do', () => {
    expect(existingTopicVerdict(topic(1, [1, 2, 3]), 2, [1, 2, 3])).toEqual({ kind: 'fine' });
  });
});

describe('a topic about to be created', () => {
  it('will do with at least as many brokers answering as replicas asked', () => {
    expect(creationVerdict(3, 3)).toEqual({ kind: 'fine' });
    expect(creationVerdict(1, 3)).toEqual({ kind: 'fine' });
  });

  it('is refused with fewer brokers answering than replicas asked, a broker down included', () => {
    expect(creationVerdict(3, 2)).toEqual({
      kind: 'refused',
      reason:
        '3 replicas per partition were asked for, but the cluster has 2 brokers answering; ask for at most 2 (--replication-factor, FLOWWATCH_REPLICATION_FACTOR), or start the brokers that are down',
    });
    expect(creationVerdict(2, 1)).toMatchObject({
      kind: 'refused',
      reason: expect.stringContaining('has 1 broker answering;'),
    });
  });
});
