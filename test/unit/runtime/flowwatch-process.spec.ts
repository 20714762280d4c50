import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/config.ts';
import { childEnvironment } from '../../../runtime/flowwatch-process.ts';

describe('childEnvironment', () => {
  it('gives a child the settings the parent resolved, not stale ones its environment still holds', () => {
    for (const parentEnv of [
      { FLOWWATCH_REDIS_WAIT_TIMEOUT_MS: '500' },
      { FLOWWATCH_REDIS_WAIT_REPLICAS: '2', FLOWWATCH_REDIS_WAIT_TIMEOUT_MS: '500' },
    ]) {
      const config = loadConfig(parentEnv, { FLOWWATCH_REDIS_WAIT_REPLICAS: '0' });
      const child = loadConfig(childEnvironment(parentEnv, config));
      expect(child).toEqual(config);
      expect(child.redisWaitReplicas).toBe(0);
    }
  });

  it('removes every setting the parent resolved to its default or to off', () => {
    const parentEnv = {
      PATH: '/bin',
      FLOWWATCH_REPLICATION_FACTOR: '3',
      FLOWWATCH_ALLOWED_HOSTS: 'proxy.example',
      REDIS_SENTINELS: 'a:1',
      REDIS_SENTINEL_NAME: 'main',
      KAFKA_SASL_PASSWORD_FILE: '/nowhere',
    };
    const config = loadConfig({});
    const env = childEnvironment(parentEnv, config);
    expect(env.PATH).toBe('/bin');
    for (const key of [
      'FLOWWATCH_REPLICATION_FACTOR',
      'REDIS_SENTINELS',
      'REDIS_SENTINEL_NAME',
      'KAFKA_SASL_PASSWORD_FILE',
    ])
      expect(env[key], key).toBeUndefined();
    expect(loadConfig(env)).toEqual(config);
  });

  it('lays the caller’s own variables on top', () => {
    const env = childEnvironment({}, loadConfig({}), { FLOWWATCH_TOPIC: 'mine' });
    expect(env.FLOWWATCH_TOPIC).toBe('mine');
  });
});
