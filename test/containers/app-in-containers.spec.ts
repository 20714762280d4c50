// The app itself in containers (the image from the Dockerfile): a producer, a group of two consumers
// and the batch check, each a container on the test's network beside Kafka and Redis. One consumer
// is SIGKILLed mid-stream and started again; the state is still exact, and `docker stop` (SIGTERM
// through tini) ends the consumers gracefully.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsumerEvents } from '../../consumer/index.ts';
import { groundTruth } from '../support/ground-truth.ts';
import { expectStateEqualsFile, generatedFile } from '../support/pipeline.ts';
import { testNames } from '../support/test-names.ts';
import { waitFor } from '../support/wait-for.ts';
import { AppContainer, type FileToCopy } from './app-container.ts';
import { buildAppImage } from './app-image.ts';
import { ContainerStack } from './container-stack.ts';
import { PipelineState } from './pipeline-state.ts';

const FILE_IN_CONTAINER = '/tmp/flows.csv';
/** A graceful stop takes a second or two; Docker's SIGKILL would come only after this. */
const GRACE_MS = 20_000;

let stack: ContainerStack | undefined;
const apps: AppContainer[] = [];

beforeAll(async () => {
  await buildAppImage();
  stack = await ContainerStack.start();
});

afterAll(async () => {
  await Promise.allSettled(apps.map((app) => app.remove()));
  await stack?.stop();
});

describe('the app in containers', () => {
  it('stays exact when a consumer container is killed and restarted mid-stream', async () => {
    if (stack === undefined) throw new Error('the containers did not start');
    const { network, kafka, redis } = stack;
    const names = testNames('app-containers');
    const file = generatedFile(300_000, 31);
    const flows = groundTruth(file).flows;
    const copy = [{ source: file, target: FILE_IN_CONTAINER }];
    const state = await PipelineState.connect(kafka.brokers, redis.url, names);
    try {
      await state.createTopics();
      const consumerArgs = ['consume', '--session-timeout-ms', '6000', '--status-interval-ms', '0'];
      const start = async (args: string[], files: FileToCopy[] = []) => {
        const app = await AppContainer.start(network, names, args, files);
        apps.push(app);
        return app;
      };
      const victim = await start(consumerArgs);
      const consumers = [victim, await start(consumerArgs)];
      // Paced so that the stream is still flowing when the consumer dies.
      const producer = await start(['produce', FILE_IN_CONTAINER, '--rate', '50000', '--no-progress'], copy);

      await waitFor(async () => (await state.flowsCounted()) > 50_000, { timeoutMs: 60_000, what: 'progress' });
      await victim.kill();
      const countedAtKill = await state.flowsCounted();
      expect(countedAtKill).toBeLessThan(flows);
      await victim.startAgain();

      const produced = await producer.exit();
      expect(produced.code, produced.output).toBe(0);
      await state.waitUntilComplete(120_000);

      // The restarted member joined the group again and took partitions (its events hold both lives).
      const claims = (await victim.events()).filter((event) => event.type === ConsumerEvents.PARTITIONS_CLAIMED);
      expect(claims.length).toBeGreaterThanOrEqual(2);

      for (const consumer of consumers) {
        const stopped = await consumer.stopGracefully(GRACE_MS);
        expect(stopped.code, stopped.output).toBe(0);
        expect(stopped.elapsedMs).toBeLessThan(GRACE_MS / 2);
      }

      const verify = await start(['verify', FILE_IN_CONTAINER], copy);
      const verdict = await verify.exit();
      expect(verdict.code, verdict.output).toBe(0);
      expect(verdict.output).toContain('stream and batch agree');
      await expectStateEqualsFile(state.redis, names.prefix, file);
    } catch (error) {
      throw await withOutputs(error);
    } finally {
      await state.close();
    }
  });
});

/** A failure carries what every app container printed, which usually says why. */
async function withOutputs(error: unknown): Promise<Error> {
  const outputs = await Promise.all(
    apps.map(async (app) => `--- ${app.container.getName()}\n${await app.output().catch(() => '(gone)')}`),
  );
  return new Error(`${(error as Error).message}\n${outputs.join('\n')}`, { cause: error });
}
