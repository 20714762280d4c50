import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../runtime/index.ts';

/** A logger at debug that writes into an array, one parsed entry per line. */
function capture(): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger('debug', { write: (line: string) => lines.push(line) });
  return { log, lines };
}

describe('createLogger', () => {
  it('never writes the arguments of a Redis AUTH or HELLO that failed', () => {
    const { log, lines } = capture();
    for (const [name, args] of [
      ['auth', ['flowwatch', 'hunter2']],
      ['hello', ['3', 'AUTH', 'flowwatch', 'hunter2']],
    ] as const) {
      // The shape of an ioredis reply error: the failed command rides on it.
      const error = Object.assign(new Error('WRONGPASS invalid username-password pair'), { command: { name, args } });
      log.warn({ err: error }, 'Redis refused');
      expect(error.command.args).toContain('hunter2'); // the error itself is left alone
    }
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain('hunter2');
      expect(JSON.parse(line).err.message).toBe('WRONGPASS invalid username-password pair');
    }
  });

  it("keeps a failed command's name and never its arguments: for a state script they are a whole batch", () => {
    const { log, lines } = capture();
    const batch = Array.from({ length: 1000 }, (_, i) => `Comp${i}`);
    const error = Object.assign(new Error('WRONGTYPE'), { command: { name: 'evalsha', args: ['abc', '8', ...batch] } });
    log.warn({ err: error }, 'script failed');
    expect(JSON.parse(lines[0] as string).err.command).toEqual({ name: 'evalsha' });
    expect((lines[0] as string).length).toBeLessThan(1000);
  });

  it('censors a password field up to two levels down', () => {
    const { log, lines } = capture();
    log.debug({ password: 'hunter2', sasl: { password: 'hunter2' }, broker: { sasl: { password: 'hunter2' } } }, 'x');
    expect(lines[0]).not.toContain('hunter2');
    expect(JSON.parse(lines[0] as string).sasl.password).toBe('[redacted]');
  });
});

describe('createLogger: URLs and sentinel passwords', () => {
  it('masks the secrets of a URL logged under redisUrl or url, and a sentinel password', () => {
    const { log, lines } = capture();
    log.info(
      {
        redisUrl: 'redis://alice:hunter2@h:1/?password=hunter3',
        redis: { url: 'redis://h:1/?token=hunter4' },
        sentinelPassword: 'hunter5',
      },
      'connecting',
    );
    expect(lines[0]).not.toMatch(/hunter/);
    expect(JSON.parse(lines[0] as string).redisUrl).toBe('redis://alice:***@h:1/?password=***');
  });
});
