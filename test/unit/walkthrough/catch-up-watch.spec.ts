import { ReplyError } from 'ioredis';
import kafkajs from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isFlowwatchError } from '../../../runtime/index.ts';
import type { PartitionProgress, ViewSource } from '../../../state/index.ts';
import { READ_PATIENCE_MS, type WatchedProcess, watchUntilCaughtUp } from '../../../walkthrough/catch-up-watch.ts';
import { kafkajsFault } from '../../support/kafkajs-fault.ts';

const { KafkaJSProtocolError } = kafkajs;

const doneProducer: WatchedProcess = {
  name: 'producer',
  code: 0,
  exitedEarly: false,
  reason: '',
  logFile: 'producer.log',
};
const caughtUp: PartitionProgress[] = [{ topic: 't', partition: 0, applied: 5, end: 5, lag: 0 }];

/** A failed read of the view, as the state's view reader rejects it: which source failed, and how. */
class Failure {
  readonly source: ViewSource;
  readonly error: unknown;
  constructor(source: ViewSource, error: unknown) {
    this.source = source;
    this.error = error;
  }
}

/**
 * Watches with `answer` giving each read's progress (or the Failure it rejects with), the producer
 * done, a refresh every `refreshMs` and a catch-up patience of 60 s; `reads` counts the reads.
 */
function watch(answer: () => PartitionProgress[] | Failure, refreshMs = 10) {
  let failedSource: ViewSource | undefined;
  let reads = 0;
  const view = {
    get failedSource() {
      return failedSource;
    },
    read: async () => {
      reads += 1;
      const outcome = answer();
      failedSource = outcome instanceof Failure ? outcome.source : undefined;
      if (outcome instanceof Failure) throw outcome.error;
      return { progress: outcome };
    },
  };
  const watching = watchUntilCaughtUp(
    { view, draw: () => {}, producer: doneProducer, processes: [doneProducer], signal: new AbortController().signal },
    { refreshMs, catchUpTimeoutMs: 60_000 },
  );
  return { watching: watching.catch((thrown: unknown) => thrown), reads: () => reads };
}

const lostRedis = () => new Failure('Redis', new Error('Connection is closed.'));

describe('the walkthrough waiting for the consumers to catch up', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('ends once the state holds all the producer published', async () => {
    expect(await watch(() => caughtUp).watching).toBeUndefined();
  });

  it('ends at once with Kafka’s reason when Kafka refuses to say how far the topics go', async () => {
    const denied = new KafkaJSProtocolError({
      type: 'TOPIC_AUTHORIZATION_FAILED',
      code: 29,
      message: 'Not authorized to access topics: [Topic authorization failed]',
      retriable: false,
    } as unknown as Error);
    const started = performance.now();
    const { watching, reads } = watch(() => new Failure('Kafka', denied));
    const error = await watching;
    expect(isFlowwatchError(error, 'FW_KAFKA_REFUSED')).toBe(true);
    expect((error as Error).message).toBe(
      'Kafka refused to read how far the topics go: Not authorized to access topics: [Topic authorization failed] (TOPIC_AUTHORIZATION_FAILED)',
    );
    expect(reads()).toBe(1);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('ends at once with Redis’s reason when Redis refuses the reads (an ACL, a password)', async () => {
    const { watching, reads } = watch(
      () =>
        new Failure('Redis', new ReplyError("NOPERM User flowwatch has no permissions to run the 'zrange' command")),
    );
    const error = await watching;
    expect(isFlowwatchError(error, 'FW_REDIS_REFUSED')).toBe(true);
    expect((error as Error).message).toContain('NOPERM');
    expect(reads()).toBe(1);
  });

  it('rides out Redis away for a moment (a restart, a failover), as the consumers do', async () => {
    let failures = 3;
    const { watching, reads } = watch(() => (failures-- > 0 ? lostRedis() : caughtUp));
    expect(await watching).toBeUndefined();
    expect(reads()).toBe(4);
  });

  it('ends with Redis’s reason once Redis has been away for its patience, not before', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const { watching, reads } = watch(lostRedis, 1000);
    let ended = false;
    void watching.then(() => {
      ended = true;
    });
    await vi.advanceTimersByTimeAsync(READ_PATIENCE_MS - 2000);
    expect(ended).toBe(false);
    expect(reads()).toBeGreaterThan(READ_PATIENCE_MS / 1000 - 3);
    await vi.advanceTimersByTimeAsync(3000);
    const error = await watching;
    expect(isFlowwatchError(error, 'FW_REDIS_UNREACHABLE')).toBe(true);
    expect((error as Error).message).toBe('Redis did not answer: Connection is closed.');
  });

  it('reads a fault of kafkajs’ own during a failover as Kafka away, not as Redis', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const fault = kafkajsFault(new TypeError("Cannot destructure property 'partitions' of 'undefined'"));
    const { watching } = watch(() => new Failure('Kafka', fault), 1000);
    let ended = false;
    void watching.then(() => {
      ended = true;
    });
    await vi.advanceTimersByTimeAsync(READ_PATIENCE_MS - 2000);
    expect(ended).toBe(false);
    await vi.advanceTimersByTimeAsync(3000);
    const error = await watching;
    expect(isFlowwatchError(error, 'FW_KAFKA_UNREACHABLE')).toBe(true);
    expect((error as Error).message).toBe(
      "Kafka did not answer when asked to read how far the topics go: Cannot destructure property 'partitions' of 'undefined'",
    );
  });
});
