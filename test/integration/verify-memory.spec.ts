// `flowwatch verify` on a file with millions of distinct devices, run as a user runs it (under the
// command's heap cap): it must give the right verdict, not run out of memory.
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { connectAdmin, createKafka, ensureTopics } from '../../kafka/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import { createLogger } from '../../runtime/index.ts';
import { stateKeys } from '../../state/index.ts';
import { runCli } from '../support/cli.ts';
import { askRedis, OwnRedis } from '../support/redis-server.ts';
import { testNames } from '../support/test-names.ts';

const DEVICES = 3_000_000;
/** Lines written per chunk: the file is made in bounded memory. */
const CHUNK = 100_000;

const names = testNames('verify-memory');
const config = loadConfig(process.env);
const dir = mkdtempSync(join(tmpdir(), 'flowwatch-verify-memory-'));
const file = join(dir, 'many-devices.csv');
let admin: Admin;
let redis: OwnRedis;

/** Device i gets one web request, every thousandth five: counts known without reading the file. */
const requestsOf = (i: number) => (i % 1000 === 0 ? 5 : 1);
const deviceOf = (i: number) => `Dev${i}`;
const webRequests = (() => {
  let sum = 0;
  for (let i = 0; i < DEVICES; i++) sum += requestsOf(i);
  return sum;
})();

function writeFile(): void {
  const fd = openSync(file, 'w');
  try {
    let time = 118_781;
    for (let from = 0; from < DEVICES; from += CHUNK) {
      const lines: string[] = [];
      for (let i = from; i < Math.min(from + CHUNK, DEVICES); i++) {
        for (let r = 0; r < requestsOf(i); r++) lines.push(`${time++},1,Comp1,${deviceOf(i)},6,Port1,80,1,1,60,60\n`);
      }
      writeSync(fd, lines.join(''));
    }
  } finally {
    closeSync(fd);
  }
}

/** The stream side as the consumers would have left it, written straight into Redis. */
async function plantState(prefix: string): Promise<void> {
  const client = new Redis(redis.url);
  // Made inside Redis (the same names and counts as requestsOf and deviceOf), in slices that keep it
  // answering: sending 3,000,000 members from here takes far longer.
  const slice = `for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do
      redis.call('ZADD', KEYS[1], (i % 1000 == 0) and 5 or 1, 'Dev' .. i)
    end`;
  try {
    for (let from = 0; from < DEVICES; from += 100_000) {
      await client.eval(slice, 1, stateKeys.webservers(prefix), from, Math.min(from + 100_000, DEVICES) - 1);
    }
    await client.hset(stateKeys.totals(prefix), { flows: webRequests, webRequests, invalidLines: 0, undecodable: 0 });
  } finally {
    client.disconnect();
  }
}

beforeAll(async () => {
  redis = await OwnRedis.start();
  admin = await connectAdmin(createKafka(config, createLogger('silent'), 'flowwatch-test-verify-memory'), config);
  // An empty topic: nothing to apply, so the planted state is complete.
  await ensureTopics(admin, names.topic, { partitions: 2 });
  writeFile();
}, 120_000);

afterAll(async () => {
  try {
    const existing = new Set(await admin.listTopics());
    const mine = [names.topic, deadLetterTopic(names.topic)].filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  } finally {
    await admin.disconnect();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('flowwatch verify at millions of devices', () => {
  it('names the devices that differ among 3,000,000 distinct devices, under its heap cap', async () => {
    const prefix = names.prefix;
    await plantState(prefix);
    // One device off by one, one missing, one the file never named; the other 2,999,998 agree.
    await askRedis(redis.port, async (client) => {
      await client.zincrby(stateKeys.webservers(prefix), 1, deviceOf(1_234_567));
      await client.zrem(stateKeys.webservers(prefix), deviceOf(2_999_999));
      await client.zadd(stateKeys.webservers(prefix), 7, 'Ghost');
    });
    const env = { REDIS_URL: redis.url, FLOWWATCH_TOPIC: names.topic, FLOWWATCH_KEY_PREFIX: prefix };
    const result = await runCli(['verify', file, '--min-count', '5'], env);

    expect(result.code, result.stderr.slice(-2000)).toBe(1);
    const n = (value: number) => value.toLocaleString('en-US');
    expect(result.stdout).toContain(
      `compared ${n(DEVICES + 1)} devices from many-devices.csv: ${n(DEVICES - 2)} match; batch has ${n(webRequests)} flows, ${n(webRequests)} port-80 flows, 0 invalid lines`,
    );
    expect(result.stdout).toMatch(/^\s+Ghost\s+0\s+7\s+\+7$/m);
    expect(result.stdout).toMatch(/^\s+Dev2999999\s+1\s+0\s+-1$/m);
    expect(result.stdout).toMatch(/^\s+Dev1234567\s+1\s+2\s+\+1$/m);
    expect(result.stdout.trim().split('\n').at(-1)).toBe(
      'stream and batch differ: 3 devices and 0 totals do not match',
    );
  }, 600_000);
});
