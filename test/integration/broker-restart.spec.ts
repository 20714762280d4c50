// A broker of the test's own, killed with SIGKILL and started again while the producer and two
// consumers run: they reconnect by themselves, and the end is exact.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { connectAdmin, createKafka, createLogger, createRedis, loadConfig, readTotals } from '../../common/index.ts';
import { spawnCli } from '../support/cli.ts';
import {
  consumeToEnd,
  deleteState,
  expectStateEqualsFile,
  generatedFile,
  pipelineEnv,
  startConsumer,
} from '../support/pipeline.ts';
import { freePort } from '../support/redis-server.ts';
import { testNames } from '../support/test-names.ts';
import { waitFor } from '../support/wait-for.ts';

const KAFKA_SCRIPT = fileURLToPath(new URL('../../infra/kafka.sh', import.meta.url));
const RUN_DIR = fileURLToPath(new URL('../../.flowwatch/', import.meta.url));
const names = testNames('broker');
const config = loadConfig(process.env);
const redis = createRedis(config);
let brokerEnv: Record<string, string> = {};

function kafka(command: 'start' | 'stop'): void {
  execFileSync(KAFKA_SCRIPT, [command], { env: { ...process.env, ...brokerEnv }, stdio: 'ignore' });
}

async function brokerReady(brokers: string): Promise<void> {
  const own = loadConfig({ ...process.env, KAFKA_BROKERS: brokers });
  await waitFor(
    async () => {
      const admin = await connectAdmin(createKafka(own, createLogger('silent'), 'flowwatch-test-broker'), own);
      await admin.describeCluster();
      await admin.disconnect();
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: 'the test broker' },
  );
}

afterAll(async () => {
  if (brokerEnv.KAFKA_PORT !== undefined) {
    kafka('stop');
    rmSync(`${RUN_DIR}kafka-${brokerEnv.KAFKA_PORT}`, { recursive: true, force: true });
  }
  await deleteState(redis, names.prefix);
  redis.disconnect();
});

describe('a broker restart', () => {
  it('is ridden out by the producer and the consumers, exactly', async () => {
    const port = await freePort();
    brokerEnv = { KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(await freePort()) };
    const brokers = `127.0.0.1:${port}`;
    kafka('start');
    await brokerReady(brokers);

    const file = generatedFile(400_000, 13);
    const env = { KAFKA_BROKERS: brokers };
    const producer = spawnCli(['produce', file, '--json', '--no-progress', '--rate', '40000'], pipelineEnv(names, env));
    const members = [startConsumer(names, [], env), startConsumer(names, [], env)];
    try {
      await waitFor(async () => (await readTotals(redis, names.prefix)).flows > 80_000, {
        timeoutMs: 120_000,
        what: 'progress',
      }).catch((error: Error) => {
        // Say what the processes said: a slow broker start and a crash look alike from here.
        const tails = [producer, ...members].map((p) => p.output().stderr.slice(-1500)).join('\n---\n');
        throw new Error(`${error.message}\n${tails}`);
      });
      const pid = Number(readFileSync(`${RUN_DIR}kafka-${port}/broker.pid`, 'utf8'));
      process.kill(pid, 'SIGKILL');
      await sleep(2000);
      kafka('start');
      const produced = await producer.done;
      expect(produced.code, produced.stderr).toBe(0);
      expect(JSON.parse(produced.stdout).flowsPublished).toBe(400_000);
      await waitFor(async () => (await readTotals(redis, names.prefix)).flows >= 400_000, {
        timeoutMs: 120_000,
        what: 'the rest',
      });
      for (const member of members) expect(member.child.exitCode).toBeNull();
    } finally {
      for (const member of [...members, producer]) member.child.kill('SIGKILL');
      await Promise.all([...members, producer].map((m) => m.done));
    }
    await consumeToEnd(names, env);
    await expectStateEqualsFile(redis, names.prefix, file);
  });
});
