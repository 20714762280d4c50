import type { EachBatchPayload } from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { BatchApplier } from '../../../consumer/batch-applier.ts';
import { ConsumerEvents, consumerInstrumentation } from '../../../consumer/consumer-events.ts';
import type { DeadLetterSender } from '../../../consumer/dead-letter-sender.ts';
import type { PartitionFencing } from '../../../consumer/partition-fencing.ts';
import type { PartitionStart } from '../../../consumer/partition-start.ts';
import type { ABANDONED } from '../../../consumer/redis-retry.ts';
import { ErrorCode, FlowwatchError, type InstrumentationEvent } from '../../../runtime/index.ts';
import type { ApplyRequest, ApplyResult, PartitionId, StateWriter } from '../../../state/index.ts';
import { recordedLog } from '../../support/recorded-log.ts';

afterEach(() => {
  vi.useRealTimers();
});

const TOPIC = 'flows';
const DEAD = 'flows.invalid';
const ID: PartitionId = `${TOPIC}/0`;

const flow = (offset: number, dst: string, port = '80') => ({
  offset: String(offset),
  value: Buffer.from(`1,0,Src,${dst},6,Port1,${port},1,1,1,1`),
  timestamp: String(Date.now()),
  headers: {},
});

type Answer<T> = T | Error | (() => T | Promise<T>);
async function answer<T>(answers: Answer<T>[], index: number): Promise<T> {
  const next = answers[Math.min(index, answers.length - 1)] as Answer<T>;
  if (next instanceof Error) throw next;
  return typeof next === 'function' ? (next as () => T | Promise<T>)() : next;
}

interface Script {
  epoch?: number | undefined;
  stored?: Answer<number | undefined>[];
  apply?: Answer<ApplyResult>[];
  replicated?: Answer<{ replicas: number } | { stored: number }>[];
  /** Where PartitionStart says the count stands (default: the stored offset, or 0). */
  start?: (stored: number | undefined) => number | typeof ABANDONED;
  waitReplicas?: number;
  running?: () => boolean;
}

/** A batch applier over fakes of the state, the fencing, the start, the dead letters and the kafkajs payload. */
function harness(script: Script = {}) {
  const calls: string[] = [];
  const applies: ApplyRequest[] = [];
  const counters = { stored: 0, apply: 0, replicated: 0 };
  const state = {
    nextOffset: async () => {
      calls.push('nextOffset');
      return answer(script.stored ?? [undefined], counters.stored++);
    },
    apply: async (request: ApplyRequest) => {
      calls.push('apply');
      applies.push(request);
      return answer(script.apply ?? [{ status: 'applied', next: request.next }], counters.apply++);
    },
    replicated: async () => {
      calls.push('replicated');
      return answer(script.replicated ?? [{ replicas: 1 }], counters.replicated++);
    },
  } as unknown as StateWriter;
  const reclaimed: PartitionId[] = [];
  const fencing = {
    epochOf: async () => ('epoch' in script ? script.epoch : 7),
    reclaim: (id: PartitionId) => reclaimed.push(id),
  } as unknown as PartitionFencing;
  const rewinds: number[] = [];
  const starts: (number | undefined)[] = [];
  const start = {
    from: async (_topic: string, _partition: number, _epoch: number, stored: number | undefined) => {
      starts.push(stored);
      return script.start?.(stored) ?? stored ?? 0;
    },
    rewind: async (_topic: string, _partition: number, offset: number) => {
      rewinds.push(offset);
    },
  } as unknown as PartitionStart;
  const deadLettered: unknown[][] = [];
  const deadLetters = {
    send: async (_batch: unknown, rejects: unknown[]) => {
      calls.push('dead letters');
      deadLettered.push(rejects);
    },
  } as unknown as DeadLetterSender;
  const events = consumerInstrumentation();
  const seen: InstrumentationEvent[] = [];
  events.onAny((event) => seen.push(event));
  const { log, messages } = recordedLog();
  const applier = new BatchApplier({
    state,
    fencing,
    start,
    deadLetters,
    events,
    log,
    deadLetterTopic: DEAD,
    waitReplicas: script.waitReplicas ?? 0,
    waitTimeoutMs: 100,
    maxEventTime: 2 ** 32 - 1,
    flowPartitions: () => 1,
    running: script.running ?? (() => true),
  });
  const resolved: string[] = [];
  const payloadOf = (messages: ReturnType<typeof flow>[], topic = TOPIC) => {
    const batch = {
      topic,
      partition: 0,
      messages,
      isEmpty: () => messages.length === 0,
      firstOffset: () => messages[0]?.offset ?? null,
      lastOffset: () => messages.at(-1)?.offset ?? '-1',
      offsetLag: () => '0',
    };
    return {
      batch,
      resolveOffset: (offset: string) => {
        calls.push(`resolve ${offset}`);
        resolved.push(offset);
      },
      heartbeat: async () => {
        calls.push('heartbeat');
      },
      commitOffsetsIfNecessary: async () => {
        calls.push('commit');
      },
      isRunning: () => true,
      isStale: () => false,
    } as unknown as EachBatchPayload;
  };
  const types = () => seen.map((event) => event.type);
  return {
    applier,
    payloadOf,
    calls,
    applies,
    reclaimed,
    rewinds,
    starts,
    deadLettered,
    seen,
    types,
    messages,
    resolved,
  };
}

const batchOf = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => flow(from + i, `D${(from + i) % 3}`));

describe('applying a batch', () => {
  it('applies a batch at the stored offset under the epoch, commits it and reports it; the next one needs no read', async () => {
    const h = harness({ stored: [10] });
    await h.applier.apply(h.payloadOf(batchOf(10, 3)));
    expect(h.applies[0]).toMatchObject({
      partition: ID,
      epoch: 7,
      from: 10,
      next: 13,
      startIfUnknown: -1,
      partitions: 1,
    });
    expect(h.applies[0]?.increments.webRequests).toBe(3);
    expect(h.calls).toEqual(['nextOffset', 'apply', 'resolve 12', 'heartbeat', 'commit']);
    expect(h.seen.at(-1)).toMatchObject({
      type: ConsumerEvents.BATCH_APPLIED,
      payload: { partition: ID, from: 10, next: 13, flows: 3, webRequests: 3 },
    });
    await h.applier.apply(h.payloadOf(batchOf(13, 2)));
    expect(h.calls.filter((call) => call === 'nextOffset')).toHaveLength(1);
    expect(h.applies[1]).toMatchObject({ from: 13, next: 15 });
  });

  it('applies only the messages from the stored offset of a batch that straddles it', async () => {
    const h = harness({ stored: [11] });
    await h.applier.apply(h.payloadOf(batchOf(10, 3)));
    expect(h.applies[0]).toMatchObject({ from: 11, next: 13 });
    expect(h.applies[0]?.increments.flows).toBe(2);
  });

  it('writes nothing for a partition this member does not hold, nor for an empty batch', async () => {
    const h = harness({ epoch: undefined });
    await h.applier.apply(h.payloadOf(batchOf(0, 2)));
    const empty = harness();
    await empty.applier.apply(empty.payloadOf([]));
    expect([...h.calls, ...empty.calls]).toEqual([]);
  });

  it('marks a batch the state counted already as consumed, without applying it', async () => {
    const h = harness({ stored: [20] });
    await h.applier.apply(h.payloadOf(batchOf(10, 3)));
    expect(h.calls).toEqual(['nextOffset', 'resolve 12', 'commit']);
  });

  it('moves back to the state when Kafka is ahead of it', async () => {
    const h = harness({ stored: [5] });
    await h.applier.apply(h.payloadOf(batchOf(10, 3)));
    expect(h.rewinds).toEqual([5]);
    expect(h.applies).toEqual([]);
  });

  it('assumes offset 0 for a batch from the start of the partition', async () => {
    const h = harness({ stored: [undefined] });
    await h.applier.apply(h.payloadOf(batchOf(0, 2)));
    expect(h.applies[0]).toMatchObject({ from: 0, startIfUnknown: 0 });
  });

  it('dead-letters what it cannot read before applying, and tallies the dead-letter topic as dead letters', async () => {
    const h = harness({ stored: [0] });
    await h.applier.apply(h.payloadOf([flow(0, 'A'), { ...flow(1, 'B'), value: Buffer.from('not,a,flow') }]));
    expect(h.deadLettered).toEqual([[expect.objectContaining({ offset: '1' })]]);
    expect(h.calls.slice(0, 3)).toEqual(['nextOffset', 'dead letters', 'apply']);
    expect(h.applies[0]?.increments).toMatchObject({ flows: 1, undecodable: 1 });
    const dead = harness({ stored: [0] });
    await dead.applier.apply(dead.payloadOf(batchOf(0, 2), DEAD));
    expect(dead.applies[0]?.increments.flows).toBe(0);
    expect(dead.deadLettered).toEqual([]);
  });

  it('follows the state when the apply finds it elsewhere', async () => {
    const h = harness({ stored: [10], apply: [{ status: 'offset-mismatch', stored: 4 }] });
    await h.applier.apply(h.payloadOf(batchOf(10, 3)));
    expect(h.rewinds).toEqual([4]);
    expect(h.seen.at(-1)).toMatchObject({
      type: ConsumerEvents.BATCH_REFUSED,
      payload: { partition: ID, reason: 'offset-mismatch', value: 4 },
    });
    expect(h.resolved).toEqual([]);
  });

  it('takes a refusal at its own next offset as applied (an earlier reply was lost)', async () => {
    const h = harness({ stored: [10], apply: [{ status: 'offset-mismatch', stored: 13 }] });
    await h.applier.apply(h.payloadOf(batchOf(10, 3)));
    expect(h.resolved).toEqual(['12']);
    expect(h.rewinds).toEqual([]);
  });

  it('decides the start again when the apply finds the state lost', async () => {
    const h = harness({
      stored: [10],
      apply: [{ status: 'offset-mismatch', stored: -1 }],
      start: (stored) => stored ?? 3,
    });
    await h.applier.apply(h.payloadOf(batchOf(10, 3)));
    expect(h.starts).toEqual([10, undefined]);
    expect(h.rewinds).toEqual([3]);
  });

  it('claims again when an older claim fenced it, and backs off when a newer member owns the partition', async () => {
    const older = harness({ stored: [10], apply: [{ status: 'fenced', owner: 6 }] });
    await older.applier.apply(older.payloadOf(batchOf(10, 3)));
    expect(older.reclaimed).toEqual([ID]);
    expect(older.seen.at(-1)).toMatchObject({ payload: { reason: 'fenced', value: 6 } });

    vi.useFakeTimers();
    const newer = harness({ stored: [10], apply: [{ status: 'fenced', owner: 8 }] });
    let done = false;
    const applying = newer.applier.apply(newer.payloadOf(batchOf(10, 3))).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await applying;
    expect(newer.reclaimed).toEqual([]);
    expect(newer.calls.slice(-1)).toEqual(['heartbeat']);
    expect(newer.resolved).toEqual([]);
    expect(newer.messages()).toContain('batch refused: a newer member owns this partition');
  });

  it('applies through a Redis outage, reporting each failure and keeping the membership alive', async () => {
    vi.useFakeTimers();
    const away = new FlowwatchError(ErrorCode.REDIS_UNREACHABLE, 'away');
    const refused = new FlowwatchError(ErrorCode.STATE_REFUSED, 'OOM');
    const h = harness({ stored: [10], apply: [away, refused, { status: 'applied', next: 13 }] });
    const applying = h.applier.apply(h.payloadOf(batchOf(10, 3)));
    await vi.runAllTimersAsync();
    await applying;
    expect(h.types()).toEqual([
      ConsumerEvents.STATE_UNAVAILABLE,
      ConsumerEvents.STATE_REFUSED,
      ConsumerEvents.BATCH_APPLIED,
    ]);
    expect(h.calls).toEqual([
      'nextOffset',
      'apply',
      'heartbeat',
      'apply',
      'heartbeat',
      'apply',
      'resolve 12',
      'heartbeat',
      'commit',
    ]);
  });

  it('abandons a batch it could not apply once the member is stopping, committing nothing', async () => {
    let running = true;
    const h = harness({
      stored: [10],
      apply: [
        () => {
          running = false;
          throw new FlowwatchError(ErrorCode.REDIS_UNREACHABLE, 'away');
        },
      ],
      running: () => running,
    });
    await h.applier.apply(h.payloadOf(batchOf(10, 3)));
    expect(h.calls).toEqual(['nextOffset', 'apply']);
  });

  it('ends with an error the state cannot retry', async () => {
    const h = harness({ stored: [10], apply: [new FlowwatchError(ErrorCode.STATE_OTHER_GROUP, 'another group')] });
    await expect(h.applier.apply(h.payloadOf(batchOf(10, 3)))).rejects.toThrow('another group');
    expect(h.resolved).toEqual([]);
  });

  it('reads the stored offset again after forgetting the assignment', async () => {
    const h = harness({ stored: [10, 13] });
    await h.applier.apply(h.payloadOf(batchOf(10, 3)));
    h.applier.forget();
    await h.applier.apply(h.payloadOf(batchOf(13, 1)));
    expect(h.calls.filter((call) => call === 'nextOffset')).toHaveLength(2);
  });
});

describe('waiting for replicas (--redis-wait-replicas)', () => {
  it('commits once enough replicas hold the batch, reporting each wait that found too few', async () => {
    const h = harness({ stored: [10], waitReplicas: 2, replicated: [{ replicas: 1 }, { replicas: 2 }] });
    await h.applier.apply(h.payloadOf(batchOf(10, 3)));
    expect(h.calls).toEqual([
      'nextOffset',
      'apply',
      'replicated',
      'heartbeat',
      'replicated',
      'resolve 12',
      'heartbeat',
      'commit',
    ]);
    expect(h.seen.find((event) => event.type === ConsumerEvents.REPLICAS_BEHIND)).toMatchObject({
      payload: { partition: ID, replicas: 1, wanted: 2 },
    });
  });

  it('follows the state when the batch is gone from it after a failover, committing nothing', async () => {
    const h = harness({ stored: [10], waitReplicas: 1, replicated: [{ stored: 9 }] });
    await h.applier.apply(h.payloadOf(batchOf(10, 3)));
    expect(h.rewinds).toEqual([9]);
    expect(h.resolved).toEqual([]);
    expect(h.seen.at(-1)).toMatchObject({ payload: { reason: 'offset-mismatch', value: 9 } });
  });

  it('decides the start again when the partition is gone from the state after a failover', async () => {
    const h = harness({ stored: [10], waitReplicas: 1, replicated: [{ stored: -1 }], start: (stored) => stored ?? 0 });
    await h.applier.apply(h.payloadOf(batchOf(10, 3)));
    expect(h.starts).toEqual([10, undefined]);
    expect(h.rewinds).toEqual([0]);
  });

  it('leaves the batch uncommitted when stopping while replicas are behind', async () => {
    let running = true;
    const h = harness({
      stored: [10],
      waitReplicas: 2,
      replicated: [
        () => {
          running = false;
          return { replicas: 1 };
        },
      ],
      running: () => running,
    });
    await h.applier.apply(h.payloadOf(batchOf(10, 3)));
    expect(h.resolved).toEqual([]);
    expect(h.calls).toEqual(['nextOffset', 'apply', 'replicated']);
  });
});
