import { afterEach, describe, expect, it, vi } from 'vitest';
import { ABANDONED, retryRedis } from '../../../consumer/redis-retry.ts';
import { ErrorCode, FlowwatchError } from '../../../runtime/index.ts';
import { LEVELS, recordedLog } from '../../support/recorded-log.ts';
import { answering } from '../../support/scripted-answers.ts';

afterEach(() => {
  vi.useRealTimers();
});

const away = () => new FlowwatchError(ErrorCode.REDIS_UNREACHABLE, 'Redis did not answer within 10000 ms');
const refused = () => new FlowwatchError(ErrorCode.STATE_REFUSED, 'OOM command not allowed');

/** A call that records the (fake) time of each try. */
function timed<T>(...answers: (T | Error)[]) {
  const script = answering(...answers);
  const at: number[] = [];
  const call = () => {
    at.push(Date.now());
    return script.call();
  };
  return { call, calls: script.calls, pauses: () => at.slice(1).map((time, i) => time - (at[i] as number)) };
}

describe('retrying a state call', () => {
  it('tries again through an outage with pauses doubling from 100 ms up to 3 s, and says when Redis is back', async () => {
    vi.useFakeTimers();
    const { log, lines } = recordedLog();
    const failed: number[] = [];
    const { call, pauses } = timed<number>(...Array.from({ length: 8 }, away), 7);
    const result = retryRedis(call, { keepGoing: () => true, failed: (failures) => failed.push(failures) }, log);
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe(7);
    expect(pauses()).toEqual([100, 200, 400, 800, 1600, 3000, 3000, 3000]);
    expect(failed).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(lines().at(-1)).toMatchObject({ level: LEVELS.info, msg: 'Redis is back', failures: 8 });
  });

  it('logs the first failure and every tenth, with the reason only', async () => {
    vi.useFakeTimers();
    const { log, lines } = recordedLog();
    const { call } = timed<string>(...Array.from({ length: 20 }, away), 'done');
    const result = retryRedis(call, { keepGoing: () => true }, log);
    await vi.runAllTimersAsync();
    await result;
    const warnings = lines().filter((line) => line.level === LEVELS.warn);
    expect(warnings.map((line) => line.failures)).toEqual([1, 10, 20]);
    expect(warnings[0]).toMatchObject({
      msg: 'Redis unavailable; retrying, nothing applied',
      reason: 'Redis did not answer within 10000 ms',
    });
  });

  it('reports a refusal whose cause someone must remove as an error, and keeps trying', async () => {
    vi.useFakeTimers();
    const { log, lines } = recordedLog();
    const { call } = timed<string>(refused(), 'applied');
    const result = retryRedis(call, { keepGoing: () => true }, log);
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('applied');
    expect(lines()[0]).toMatchObject({
      level: LEVELS.error,
      msg: 'Redis refused the change; retrying until the cause is removed',
      reason: 'OOM command not allowed',
    });
  });

  it('throws an error that retrying cannot cure at once, without a pause or a log line', async () => {
    const { log, lines } = recordedLog();
    const fenced = new FlowwatchError(ErrorCode.STATE_OTHER_GROUP, 'another group counts into this state');
    const { call, calls } = timed<number>(fenced, 1);
    await expect(retryRedis(call, { keepGoing: () => true }, log)).rejects.toBe(fenced);
    await expect(
      retryRedis(() => Promise.reject(new TypeError('a bug')), { keepGoing: () => true }, log),
    ).rejects.toThrow('a bug');
    expect(calls()).toBe(1);
    expect(lines()).toEqual([]);
  });

  it('abandons without a pause when told to stop after a failure, and after the pause when told meanwhile', async () => {
    vi.useFakeTimers();
    const { log, messages } = recordedLog();
    const first = timed<number>(away());
    await expect(retryRedis(first.call, { keepGoing: () => false }, log)).resolves.toBe(ABANDONED);
    expect(first.calls()).toBe(1);
    expect(vi.getTimerCount()).toBe(0);

    let going = true;
    const second = timed<number>(away());
    const result = retryRedis(second.call, { keepGoing: () => going }, log);
    await vi.advanceTimersByTimeAsync(50);
    going = false;
    await vi.advanceTimersByTimeAsync(50);
    await expect(result).resolves.toBe(ABANDONED);
    expect(second.calls()).toBe(1);
    expect(messages()).not.toContain('Redis is back');
  });

  it('keeps the membership alive between tries, after each pause', async () => {
    vi.useFakeTimers();
    const { log } = recordedLog();
    const { call, calls } = timed<string>(away(), away(), 'done');
    const heartbeats: number[] = [];
    const between = async () => {
      heartbeats.push(calls());
    };
    const result = retryRedis(call, { keepGoing: () => true, between }, log);
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('done');
    expect(heartbeats).toEqual([1, 2]);
  });
});
