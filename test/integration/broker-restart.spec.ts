// A broker of the test's own, killed with SIGKILL and started again while the producer and two
// consumers run: they reconnect by themselves, and the end is exact.
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { createRedis, StateReader } from '../../state/index.ts';
import { spawnCli } from '../support/cli.ts';
import { type KafkaCluster, startKafkaCluster } from '../support/kafka-cluster.ts';
import {
  consumeToEnd,
  deleteState,
  expectStateEqualsFile,
  generatedFile,
  pipelineEnv,
  startConsumer,
} from '../support/pipeline.ts';
import { testNames } from '../support/test-names.ts';
import { waitFor } from '../support/wait-for.ts';

const names = testNames('broker');
const config = loadConfig(process.env);
const redis = createRedis(config);
let kafka: KafkaCluster | undefined;

afterAll(async () => {
  await kafka?.stop();
  await deleteState(redis, names.prefix);
  redis.disconnect();
});

describe('a broker restart', () => {
  it('is ridden out by the producer and the consumers, exactly', async () => {
    kafka = await startKafkaCluster({ nodes: 1 });
    const brokers = kafka.brokers;

    const file = generatedFile(400_000, 13);
    const env = { KAFKA_BROKERS: brokers };
    const producer = spawnCli(['produce', file, '--json', '--no-progress', '--rate', '40000'], pipelineEnv(names, env));
    const members = [startConsumer(names, [], env), startConsumer(names, [], env)];
    try {
      await waitFor(async () => (await new StateReader(redis, names.prefix).totals()).flows > 80_000, {
        timeoutMs: 120_000,
        what: 'progress',
      }).catch((error: Error) => {
        // Say what the processes said: a slow broker start and a crash look alike from here.
        const tails = [producer, ...members].map((p) => p.output().stderr.slice(-1500)).join('\n---\n');
        throw new Error(`${error.message}\n${tails}`);
      });
      await kafka.kill(1, 'SIGKILL');
      // Down for a while on purpose: the clients must notice it is gone, not only that it blinked.
      await sleep(2000);
      await kafka.start(1);
      const produced = await producer.done;
      expect(produced.code, produced.stderr).toBe(0);
      expect(JSON.parse(produced.stdout).flowsPublished).toBe(400_000);
      await waitFor(async () => (await new StateReader(redis, names.prefix).totals()).flows >= 400_000, {
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
