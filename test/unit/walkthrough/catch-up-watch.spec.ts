import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { isFlowwatchError } from '../../../runtime/index.ts';
import type { PartitionProgress } from '../../../state/index.ts';
import { type WatchedProcess, watchUntilCaughtUp } from '../../../walkthrough/catch-up-watch.ts';

const { KafkaJSProtocolError } = kafkajs;

const doneProducer: WatchedProcess = {
  name: 'producer',
  code: 0,
  exitedEarly: false,
  reason: '',
  logFile: 'producer.log',
};
const caughtUp: PartitionProgress[] = [{ topic: 't', partition: 0, applied: 5, end: 5, lag: 0 }];

/** Watches with `progress` as the state's answer, the producer done, and a catch-up patience of 60 s. */
function watch(progress: () => Promise<PartitionProgress[]>) {
  return watchUntilCaughtUp(
    {
      read: async () => ({ progress: await progress() }),
      draw: () => {},
      producer: doneProducer,
      processes: [doneProducer],
      signal: new AbortController().signal,
    },
    { refreshMs: 10, catchUpTimeoutMs: 60_000 },
  );
}

describe('the walkthrough waiting for the consumers to catch up', () => {
  it('ends once the state holds all the producer published', async () => {
    await expect(watch(async () => caughtUp)).resolves.toBeUndefined();
  });

  it('ends at once with Kafka’s reason when Kafka refuses to say how far the topics go', async () => {
    const denied = new KafkaJSProtocolError({
      type: 'TOPIC_AUTHORIZATION_FAILED',
      code: 29,
      message: 'Not authorized to access topics: [Topic authorization failed]',
      retriable: false,
    } as unknown as Error);
    const started = performance.now();
    const error = await watch(async () => Promise.reject(denied)).catch((thrown: unknown) => thrown);
    expect(isFlowwatchError(error, 'FW_KAFKA_REFUSED')).toBe(true);
    expect((error as Error).message).toBe(
      'Kafka refused to read how far the topics go: Not authorized to access topics: [Topic authorization failed] (TOPIC_AUTHORIZATION_FAILED)',
    );
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('ends at once with Redis’s reason when the state cannot be read', async () => {
    const error = await watch(async () => Promise.reject(new Error('Connection is closed.'))).catch(
      (thrown: unknown) => thrown,
    );
    expect(isFlowwatchError(error, 'FW_REDIS_UNREACHABLE')).toBe(true);
    expect((error as Error).message).toBe('Redis did not answer: Connection is closed.');
  });
});
