import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// Internal to config/ (runtime/flowwatch-process.ts passes a configuration on with it): tested where it lives.
import { configEnvironment } from '../../../config/child-environment.ts';
import { loadConfig } from '../../../config/index.ts';
import { ErrorCode, isFlowwatchError } from '../../../runtime/index.ts';

describe('loadConfig', () => {
  it('applies the contract defaults', () => {
    expect(loadConfig({})).toEqual({
      kafkaBrokers: ['localhost:9092'],
      redisUrl: 'redis://localhost:6379',
      redisTopology: { kind: 'single' },
      redisWaitReplicas: 0,
      redisWaitTimeoutMs: 1000,
      topic: 'flows',
      group: 'webserver-counter',
      keyPrefix: 'flowwatch',
      logLevel: 'info',
      allowedHosts: [],
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

describe('loadConfig: where the Redis is', () => {
  it('is one server at REDIS_URL by default, with the flowwatch prefix and no WAIT', () => {
    const config = loadConfig({});
    expect(config.redisTopology).toEqual({ kind: 'single' });
    expect(config.keyPrefix).toBe('flowwatch');
    expect(config.redisWaitReplicas).toBe(0);
  });

  it('finds the primary through sentinels, under the name flowwatch unless told another', () => {
    const config = loadConfig({ REDIS_SENTINELS: '127.0.0.1:26380, 127.0.0.1:26381' });
    expect(config.redisTopology).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '127.0.0.1', port: 26380 },
        { host: '127.0.0.1', port: 26381 },
      ],
      name: 'flowwatch',
      sentinelPassword: undefined,
    });
    expect(loadConfig({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_NAME: 'main' }).redisTopology).toMatchObject({
      name: 'main',
    });
    expect(() => loadConfig({ REDIS_SENTINELS: 'nohost' })).toThrow(/^REDIS_SENTINELS.*host:port/);
  });

  it('gives a cluster the prefix {flowwatch}, takes a tagged prefix, and refuses one without a tag', () => {
    const nodes = { REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001' };
    expect(loadConfig(nodes).keyPrefix).toBe('{flowwatch}');
    expect(loadConfig({ ...nodes, FLOWWATCH_KEY_PREFIX: 'run-{7}' }).keyPrefix).toBe('run-{7}');
    expect(() => loadConfig({ ...nodes, FLOWWATCH_KEY_PREFIX: 'plain' })).toThrow(/hash tag.*\{plain\}/);
    expect(() => loadConfig({ ...nodes, FLOWWATCH_KEY_PREFIX: 'empty{}' })).toThrow(/hash tag/);
  });

  it('refuses sentinels and cluster nodes together, in one sentence', () => {
    expect(() => loadConfig({ REDIS_SENTINELS: 'a:1', REDIS_CLUSTER_NODES: 'b:2' })).toThrow(/not both/);
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

  it('passes on the sentinels, the cluster nodes and WAIT', () => {
    for (const env of [
      { REDIS_SENTINELS: 'a:1,b:2', REDIS_SENTINEL_NAME: 'main', REDIS_SENTINEL_PASSWORD: 's3cret' },
      { REDIS_CLUSTER_NODES: 'a:1,b:2', FLOWWATCH_REDIS_WAIT_REPLICAS: '1', FLOWWATCH_REDIS_WAIT_TIMEOUT_MS: '50' },
    ]) {
      const config = loadConfig(env);
      expect(loadConfig(configEnvironment(config))).toEqual(config);
    }
  });
});

describe('loadConfig: secrets', () => {
  it('never shows the SASL or the sentinel password when the configuration is printed', () => {
    const config = loadConfig({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'alice',
      KAFKA_SASL_PASSWORD: 'hunter2',
      REDIS_SENTINELS: 'a:1',
      REDIS_SENTINEL_PASSWORD: 'hunter3',
    });
    expect(JSON.stringify(config)).not.toMatch(/hunter/);
    expect(config.kafkaSasl?.password).toBe('hunter2');
    expect(config.redisTopology).toMatchObject({ kind: 'sentinel' });
    expect((config.redisTopology as { sentinelPassword?: string }).sentinelPassword).toBe('hunter3');
    // Hidden from printing, still passed on to a child process.
    const child = loadConfig(configEnvironment(config));
    expect((child.redisTopology as { sentinelPassword?: string }).sentinelPassword).toBe('hunter3');
  });
});

describe('loadConfig: strict, before anything connects', () => {
  const refused = (env: Record<string, string>, message: RegExp) => {
    try {
      loadConfig(env);
      expect.unreachable(`${JSON.stringify(env)} was accepted`);
    } catch (error) {
      expect(isFlowwatchError(error, ErrorCode.CONFIG_INVALID), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  };

  it('takes ports 1 to 65535 only, for brokers, sentinels, cluster nodes and REDIS_URL', () => {
    for (const port of ['0', '65536', '99999', '00000']) {
      refused({ KAFKA_BROKERS: `a:9092,b:${port}` }, /^KAFKA_BROKERS is invalid: .*1 to 65535/);
      refused({ REDIS_SENTINELS: `a:${port}` }, /^REDIS_SENTINELS is invalid: .*1 to 65535/);
      refused({ REDIS_CLUSTER_NODES: `a:1,b:${port}` }, /^REDIS_CLUSTER_NODES is invalid: .*1 to 65535/);
    }
    refused({ REDIS_URL: 'redis://h:0' }, /^REDIS_URL is invalid: .*1 to 65535/);
    expect(loadConfig({ KAFKA_BROKERS: 'a:1,b:65535' }).kafkaBrokers).toEqual(['a:1', 'b:65535']);
    expect(loadConfig({ REDIS_URL: 'redis://h:65535' }).redisUrl).toBe('redis://h:65535');
  });

  it('refuses an events file in a folder that does not exist, or that is a folder', () => {
    refused(
      { FLOWWATCH_EVENTS_FILE: '/no/such/folder/events.jsonl' },
      /^FLOWWATCH_EVENTS_FILE is invalid: .*\/no\/such\/folder/,
    );
    refused({ FLOWWATCH_EVENTS_FILE: tmpdir() }, /^FLOWWATCH_EVENTS_FILE is invalid: .*folder/);
    const file = join(tmpdir(), `flowwatch-events-${process.pid}.jsonl`);
    expect(loadConfig({ FLOWWATCH_EVENTS_FILE: file }).eventsFile).toBe(file);
    expect(existsSync(file)).toBe(false); // checked, not created
    expect(loadConfig({ FLOWWATCH_EVENTS_FILE: '/dev/fd/3' }).eventsFile).toBe('/dev/fd/3');
  });

  it('refuses a setting that means something only beside another that is not set', () => {
    refused({ REDIS_SENTINEL_PASSWORD: 's3cret' }, /^REDIS_SENTINEL_PASSWORD is set, but REDIS_SENTINELS is not/);
    refused({ REDIS_SENTINEL_NAME: 'main' }, /^REDIS_SENTINEL_NAME is set, but REDIS_SENTINELS is not/);
    refused(
      { FLOWWATCH_REDIS_WAIT_TIMEOUT_MS: '500' },
      /^FLOWWATCH_REDIS_WAIT_TIMEOUT_MS is set, but FLOWWATCH_REDIS_WAIT_REPLICAS is not/,
    );
    refused(
      { REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINEL_PASSWORD: 's3cret' },
      /^REDIS_SENTINEL_PASSWORD is set, but REDIS_SENTINELS is not/,
    );
    expect(
      loadConfig({ REDIS_SENTINELS: 'a:1', REDIS_SENTINEL_PASSWORD: 's', REDIS_SENTINEL_NAME: 'm' }),
    ).toBeDefined();
    expect(
      loadConfig({ FLOWWATCH_REDIS_WAIT_REPLICAS: '1', FLOWWATCH_REDIS_WAIT_TIMEOUT_MS: '500' }).redisWaitTimeoutMs,
    ).toBe(500);
  });
});
