import { describe, expect, it } from 'vitest';
import { loadConfig, redactUrl } from '../../../config/index.ts';
import { describeRedis } from '../../../state/index.ts';

describe('redactUrl: a URL as messages and logs show it', () => {
  it('masks the password of the user info and keeps the user, host, port and database', () => {
    expect(redactUrl('rediss://alice:hunter2@redis.example:6380/2')).toBe('rediss://alice:***@redis.example:6380/2');
    expect(redactUrl('redis://:hunter2@127.0.0.1:6379')).toBe('redis://:***@127.0.0.1:6379');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('masks every query parameter that names a secret (ioredis reads its options from the query)', () => {
    const shown = redactUrl(
      'redis://h:1/?password=p1&pass=p2&pwd=p3&auth=p4&token=p5&secret=p6&apiKey=p7&sentinelPassword=p8&accessToken=p9&db=3&family=4',
    );
    expect(shown).not.toMatch(/p[1-9]/);
    expect(shown).toContain('db=3');
    expect(shown).toContain('family=4');
    expect(shown).toContain('password=***');
    expect(shown).toContain('sentinelPassword=***');
  });

  it('masks a secret whose name differs only in case, and every copy of it', () => {
    const shown = redactUrl('redis://h:1/?PASSWORD=p1&password=p2&Password=p3');
    expect(shown).not.toMatch(/p[1-3]/);
  });

  it('masks a URL it cannot parse wholesale after the scheme: the login and the whole query', () => {
    const shown = redactUrl('redis://alice:hun@ter2@[bad/?password=hunter2');
    expect(shown).not.toContain('hunter2');
    expect(shown).not.toContain('ter2');
    expect(shown).toMatch(/^redis:\/\//);
  });

  it('is what describeRedis shows for a single server', () => {
    const config = loadConfig({ REDIS_URL: 'redis://alice:hunter2@h:1/?password=hunter3' });
    expect(describeRedis(config)).toBe('redis://alice:***@h:1/?password=***');
  });
});
