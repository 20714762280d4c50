import { describe, expect, it } from 'vitest';
import { configEnvironment, ErrorCode, isFlowwatchError, loadConfig } from '../../../common/index.ts';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    expect(loadConfig({})).toEqual({
      kafkaBrokers: ['localhost:9092'],
      redisUrl: 'redis://localhost:6379',
      topic: 'flows',
      group: 'webserver-counter',
      keyPrefix: 'flowwatch',
      logLevel: 'info',
    });
  });

  it('reads the environment, flags first, and freezes the result', () => {
    const config = loadConfig({ KAFKA_BROKERS: 'a:1, b:2', FLOWWATCH_TOPIC: 'env' }, { FLOWWATCH_TOPIC: 'flag' });
    expect(config.kafkaBrokers).toEqual(['a:1', 'b:2']);
    expect(config.topic).toBe('flag');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names the bad setting in one sentence', () => {
    try {
      loadConfig({ KAFKA_BROKERS: 'nohost' });
      expect.unreachable();
    } catch (error) {
      expect(isFlowwatchError(error, ErrorCode.CONFIG_INVALID)).toBe(true);
      expect((error as Error).message).toMatch(/^KAFKA_BROKERS/);
    }
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
  });
});

describe('configEnvironment', () => {
  it('gives a child process the same configuration, flags included', () => {
    const config = loadConfig(
      { KAFKA_BROKERS: 'a:1,b:2', FLOWWATCH_TOPIC: 't' },
      { FLOWWATCH_REPLICATION_FACTOR: '3', FLOWWATCH_KEY_PREFIX: 'p', LOG_LEVEL: 'debug' },
    );
    const again = loadConfig(configEnvironment(config));
    expect(again).toEqual(config);
    expect(again.replicationFactor).toBe(3);
  });
});
