import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ErrorCode, ExitCode, exitCodeOf, FlowwatchError, isRetriable } from '../../../runtime/index.ts';
import { redisFailure } from '../../../state/index.ts';

describe('the error table', () => {
  it('gives an interrupted command exit 130 and every other failure exit 2', () => {
    expect(exitCodeOf(new FlowwatchError(ErrorCode.INTERRUPTED, 'stopped'))).toBe(130);
    expect(exitCodeOf(new FlowwatchError(ErrorCode.INPUT_NOT_FOUND, 'no file'))).toBe(2);
    expect(exitCodeOf(new Error('anything else'))).toBe(2);
  });

  it('keeps the exit codes users and scripts rely on', () => {
    expect(ExitCode).toEqual({ DONE: 0, DIFFER: 1, FAILED: 2, INTERRUPTED: 130 });
  });

  it('names each code once: FW_ and its name, with the exit code and retriable flag of its row', () => {
    for (const [name, code] of Object.entries(ErrorCode)) {
      expect(code).toBe(`FW_${name}`);
      const error = new FlowwatchError(code, 'any');
      expect(typeof error.retriable).toBe('boolean');
      expect(error.exitCode).toBe(code === ErrorCode.INTERRUPTED ? ExitCode.INTERRUPTED : ExitCode.FAILED);
    }
    expect(Object.isFrozen(ErrorCode)).toBe(true);
  });

  it('calls only an unreachable server retriable', () => {
    expect(isRetriable(new FlowwatchError(ErrorCode.REDIS_UNREACHABLE, 'away'))).toBe(true);
    expect(isRetriable(new FlowwatchError(ErrorCode.KAFKA_UNREACHABLE, 'away'))).toBe(true);
    expect(isRetriable(new FlowwatchError(ErrorCode.REDIS_AUTH_FAILED, 'no'))).toBe(false);
    expect(isRetriable(new Error('plain'))).toBe(false);
  });
});

describe('redisFailure: a failed Redis call, classified by what Redis said, not by our wording', () => {
  it('retries a lost connection and the replies of a restarting Redis', () => {
    expect(redisFailure(new Error('Connection is closed.')).retriable).toBe(true);
    expect(redisFailure(new ReplyError('LOADING Redis is loading the dataset in memory')).retriable).toBe(true);
    expect(redisFailure(new ReplyError('BUSY Redis is busy running a script')).retriable).toBe(true);
  });

  it('retries through a failover: a demoted primary, a cluster moving a slot', () => {
    expect(redisFailure(new ReplyError("READONLY You can't write against a read only replica.")).retriable).toBe(true);
    expect(redisFailure(new ReplyError('CLUSTERDOWN The cluster is down')).retriable).toBe(true);
    expect(redisFailure(new ReplyError('UNBLOCKED force unblocking WAIT')).retriable).toBe(true);
    expect(redisFailure(new ReplyError('NOREPLICAS Not enough good replicas to write.')).retriable).toBe(true);
    expect(redisFailure(new ReplyError('ERR WAIT cannot be used with replica instances.')).retriable).toBe(true);
    expect(redisFailure(new ReplyError('MISCONF Errors writing to the AOF file')).code).toBe(ErrorCode.STATE_REFUSED);
    expect(redisFailure(new ReplyError('TRYAGAIN Multiple keys request during rehashing of slot')).retriable).toBe(
      true,
    );
  });

  it('waits at maxmemory (a refusal someone must lift), saying so in words', () => {
    const full = redisFailure(new ReplyError("OOM command not allowed when used memory > 'maxmemory'."));
    expect(full.code).toBe(ErrorCode.STATE_REFUSED);
    expect(full.retriable).toBe(true);
    expect(full.message).toMatch(/over its maxmemory/);
  });

  it('names a Redis too old for the scripts in one sentence', () => {
    const old = redisFailure(
      new ReplyError("ERR Error compiling script (new function): user_script:1: unexpected symbol near '#'"),
    );
    expect(old.code).toBe(ErrorCode.REDIS_REFUSED);
    expect(old.message).toMatch(/older than 7\.0/);
  });

  it('does not retry Redis refusing the command itself', () => {
    const refused = redisFailure(new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'));
    expect(refused.code).toBe(ErrorCode.REDIS_REFUSED);
    expect(refused.retriable).toBe(false);
  });
});
