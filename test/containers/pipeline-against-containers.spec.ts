// The pipeline's own processes against Kafka and Redis in containers: the producer and a group of two
// consumers run as `flowwatch` child processes, and the state they leave equals the batch answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningCli } from '../support/cli.ts';
import { expectStateEqualsFile, generatedFile, produce, startConsumer } from '../support/pipeline.ts';
import { testNames } from '../support/test-names.ts';
import { ContainerStack } from './container-stack.ts';
import { PipelineState } from './pipeline-state.ts';

let stack: ContainerStack | undefined;

beforeAll(async () => {
  stack = await ContainerStack.start();
});

afterAll(async () => {
  await stack?.stop();
});

describe('the pipeline against Kafka and Redis containers', () => {
  it('counts a file exactly once with a group of two consumers, equal to the batch answer', async () => {
    if (stack === undefined) throw new Error('the containers did not start');
    const { kafka, redis } = stack;
    const names = testNames('containers');
    const env = { KAFKA_BROKERS: kafka.brokers, REDIS_URL: redis.url };
    const file = generatedFile(200_000, 23);
    const state = await PipelineState.connect(kafka.brokers, redis.url, names);
    await state.createTopics();
    const members: RunningCli[] = [startConsumer(names, [], env), startConsumer(names, [], env)];
    try {
      await produce(names, file, [], env);
      await state.waitUntilComplete(120_000);
      for (const member of members) member.child.kill('SIGTERM');
      for (const result of await Promise.all(members.map((member) => member.done))) {
        expect(result.code, result.stderr).toBe(0);
      }
      await expectStateEqualsFile(state.redis, names.prefix, file);
    } finally {
      for (const member of members) if (member.child.exitCode === null) member.child.kill('SIGKILL');
      await state.close();
    }
  });
});
