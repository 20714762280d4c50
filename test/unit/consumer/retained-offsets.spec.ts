import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { batchFailure } from '../../../consumer/batch-failure.ts';
import { RetainedOffsets } from '../../../consumer/retained-offsets.ts';
import { ErrorCode } from '../../../runtime/index.ts';
import { kafkajsFault } from '../../support/kafkajs-fault.ts';
import { answering } from '../../support/scripted-answers.ts';

type Offsets = Awaited<ReturnType<Admin['fetchTopicOffsets']>>;
const offsets = (low: string): Offsets => [{ partition: 0, offset: '90', high: '90', low }];

/** An admin whose answers are given in order: an Error is thrown, anything else returned. */
function adminAnswering(...answers: (Offsets | Error)[]) {
  const { call, calls } = answering(...answers);
  return { asked: calls, fetchTopicOffsets: call };
}

describe('RetainedOffsets', () => {
  it('asks again while the brokers fail the request, then answers', async () => {
    const admin = adminAnswering(
      new TypeError("Cannot destructure property 'partitions'"),
      new Error('x'),
      offsets('7'),
    );
    expect(await new RetainedOffsets(admin, [0, 0, 0]).first('t', 0)).toBe(7);
    expect(admin.asked()).toBe(3);
  });

  it('gives up after its pauses when nothing is known yet', async () => {
    const admin = adminAnswering(new Error('no leader'));
    await expect(new RetainedOffsets(admin, [0, 0]).first('t', 0)).rejects.toThrow('no leader');
    expect(admin.asked()).toBe(3);
  });

  it('gives up on a failover as Kafka away, which the batch hands back to kafkajs, not as a refusal', async () => {
    const admin = adminAnswering(
      kafkajsFault(new TypeError("Cannot destructure property 'partitions' of 'undefined'")),
    );
    const failure = await new RetainedOffsets(admin, [0]).first('t', 0).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: ErrorCode.KAFKA_UNREACHABLE });
    expect((failure as Error).message).toContain('read the first retained offset');
    expect((failure as Error).message).toContain("Cannot destructure property 'partitions'");
    expect(batchFailure(failure)).toBe('hand back');
  });

  it('keeps the offset known before when a refresh keeps failing, and caches without refresh', async () => {
    const admin = adminAnswering(offsets('5'), new Error('no leader'));
    const retained = new RetainedOffsets(admin, [0]);
    expect(await retained.first('t', 0)).toBe(5);
    expect(await retained.first('t', 0)).toBe(5);
    expect(admin.asked()).toBe(1);
    expect(await retained.first('t', 0, true)).toBe(5);
    expect(admin.asked()).toBe(3);
  });
});
