import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/index.ts';
import { redisCliCommand } from '../../../walkthrough/walkthrough.ts';

describe('redisCliCommand: the redis-cli line the walkthrough ends with reaches the state', () => {
  const command = 'ZREVRANGE flowwatch:webservers 0 9 WITHSCORES';

  it('is plain redis-cli for the local default Redis, and names another one', () => {
    expect(redisCliCommand(loadConfig({}), command)).toBe(`redis-cli ${command}`);
    expect(redisCliCommand(loadConfig({ REDIS_URL: 'redis://cache:6390' }), command)).toBe(
      `redis-cli -h cache -p 6390 ${command}`,
    );
  });

  it('asks a sentinel where the primary is', () => {
    const config = loadConfig({ REDIS_SENTINELS: '127.0.0.1:26380,127.0.0.1:26381' });
    expect(redisCliCommand(config, command)).toBe(
      `set -- $(redis-cli -h 127.0.0.1 -p 26380 SENTINEL get-master-addr-by-name flowwatch); redis-cli -h $1 -p $2 ${command}`,
    );
  });

  it('follows a cluster redirect and quotes the hash tag', () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000' });
    expect(redisCliCommand(config, 'ZREVRANGE {flowwatch}:webservers 0 9 WITHSCORES')).toBe(
      "redis-cli -c -h 127.0.0.1 -p 7000 ZREVRANGE '{flowwatch}:webservers' 0 9 WITHSCORES",
    );
  });
});
