// `flowwatch produce` stopped at any moment and run again: it resumes where the topic says it
// stopped, so after any number of kills and re-runs every valid line is in the topic once (and every
// invalid line in the dead-letter topic once), each partition in line order, and the batch check is
// exact. A finished file publishes nothing; --again publishes a second stream; another file under a
// name already used is refused; standard input resumes under the name --source gives it.
import { randomInt } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { DEFAULT_PARTITIONS } from '../../kafka/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import { ProducerEvents, type ProducerResumed, type ProduceSummary } from '../../producer/index.ts';
import { createRedis, StateReader } from '../../state/index.ts';
import { type CliResult, type RunningCli, runCli, spawnCli } from '../support/cli.ts';
import { fileTopics } from '../support/file-topics.ts';
import { consumeToEnd, namedRuns, pipelineEnv } from '../support/pipeline.ts';
import type { TestNames } from '../support/test-names.ts';
import { expectEachLineOnce, fileLines, fileWithInvalidLines, topicLines } from '../support/topic-lines.ts';
import { waitFor, within } from '../support/wait-for.ts';

const config = loadConfig(process.env);
const brokers = config.kafkaBrokers.join(',');
const redis = createRedis(config);
const runs = namedRuns(redis);
const topics = fileTopics(config, 'flowwatch-test-resume');

afterAll(async () => {
  try {
    await runs.cleanup();
  } finally {
    redis.disconnect();
  }
});

/** A run's names; its topics are deleted after the file. */
function named(label: string): TestNames {
  const names = runs.named(label);
  topics.track(names.topic);
  return names;
}

function startProducer(names: TestNames, file: string, args: readonly string[], stdin?: Buffer): RunningCli {
  return spawnCli(['produce', file, '--json', '--no-progress', ...args], pipelineEnv(names), stdin);
}

function summaryOf(result: CliResult): ProduceSummary {
  expect(result.code, result.stderr.slice(-2000)).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as ProduceSummary;
}

/** Lines on stderr meant for the user (logs are JSON lines). */
const userLines = (stderr: string) => stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'));

/** Waits until the topic holds at least `target` messages, failing with what the producer said. */
async function untilWritten(topic: string, target: number, producer: RunningCli): Promise<void> {
  await waitFor(
    async () => {
      if (producer.child.exitCode !== null) throw new Error(`the producer exited: ${producer.output().stderr}`);
      return (await topics.written(topic)) >= target;
    },
    { timeoutMs: 60_000, intervalMs: 20, what: `${target} messages in ${topic}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${producer.output().stderr.slice(-2000)}`);
  });
}

/** The batch check over the file: exit 0 iff the state equals the file's answer. */
async function expectVerifyExact(names: TestNames, file: string): Promise<void> {
  await consumeToEnd(names);
  const verified = await runCli(['verify', file], pipelineEnv(names));
  expect(verified.code, `${verified.stdout}\n${verified.stderr.slice(-2000)}`).toBe(0);
}

describe('flowwatch produce, stopped and run again', () => {
  it('publishes each line once after being SIGKILLed at random moments five times in a row', {
    timeout: 300_000,
  }, async () => {
    const names = named('resume-kill');
    const file = fileWithInvalidLines(200_000, 81, 997);
    const lines = fileLines(file);
    const kills: string[] = [];
    for (let round = 0; round < 5; round++) {
      const before = await topics.written(names.topic);
      // Paced runs send small batches all the time; full-speed runs send 2,000-flow batches, one
      // request per partition: a kill lands anywhere, also between the acknowledgements of one batch.
      // Round 3 is killed at a random moment of its first 1.5 s (start-up, reading the topic's end):
      // paced, so that a producer fast enough to publish the rest sooner is still running then.
      const paced = round % 2 === 0 || round === 3;
      const producer = startProducer(names, file, [
        '--partitions',
        '3',
        ...(paced ? ['--rate', '25000'] : ['--batch-size', '2000']),
      ]);
      if (round === 3) {
        // Killed before it publishes anything, somewhere in start-up or reading the topic's end.
        await sleep(randomInt(200, 1500));
      } else {
        await untilWritten(names.topic, before + randomInt(2000, 20_000), producer);
      }
      producer.child.kill('SIGKILL');
      const killed = await producer.done;
      expect(killed.signal, `round ${round} finished before the kill: ${killed.stdout}`).toBe('SIGKILL');
      kills.push(`${before}→${await topics.written(names.topic)}`);
    }
    const last = summaryOf(await runCli(['produce', file, '--json', '--no-progress'], pipelineEnv(names)));
    expect(last, `messages in the topic before and after each kill: ${kills.join(', ')}`).toMatchObject({
      complete: true,
      flowsPublished: lines.valid.length - last.flowsAlreadyInTopic,
      invalidLines: lines.invalid.length,
    });
    expect(last.flowsAlreadyInTopic).toBeGreaterThan(0);

    await expectEachLineOnce(brokers, names.topic, lines.valid, `${names.group}-read`);
    await expectEachLineOnce(brokers, deadLetterTopic(names.topic), lines.invalid, `${names.group}-dlq`);
    await expectVerifyExact(names, file);
  });

  it('publishes each line once after a graceful stop (SIGTERM) and a re-run', { timeout: 180_000 }, async () => {
    const names = named('resume-term');
    const file = fileWithInvalidLines(150_000, 82, 1001);
    const lines = fileLines(file);
    const producer = startProducer(names, file, ['--rate', '20000']);
    await untilWritten(names.topic, randomInt(10_000, 40_000), producer);
    producer.child.kill('SIGTERM');
    const stopped = await within(producer.done, 20_000, 'the producer to stop');
    expect(stopped.code, stopped.stderr.slice(-2000)).toBe(130);
    const first = JSON.parse(stopped.stdout.trim()) as ProduceSummary;
    expect(first.complete).toBe(false);
    const inTopic = await topics.written(names.topic);
    expect(inTopic).toBe(first.flowsPublished);

    expect(producer.eventsOf(ProducerEvents.RESUMED)).toEqual([]);

    const rerunning = startProducer(names, file, []);
    const second = summaryOf(await rerunning.done);
    expect(second).toMatchObject({
      complete: true,
      stream: 1,
      flowsAlreadyInTopic: inTopic,
      flowsPublished: lines.valid.length - inTopic,
    });
    // It says where it resumes: within what the first run delivered, in each of the 4 partitions.
    const resumed = rerunning.eventsOf(ProducerEvents.RESUMED).map((event) => event.payload as ProducerResumed);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]).toMatchObject({ source: second.source, sourceId: second.sourceId });
    expect(resumed[0]?.flowPartitionsUpTo).toHaveLength(DEFAULT_PARTITIONS);
    expect(resumed[0]?.everyLineUpTo).toBeGreaterThan(0);
    expect(resumed[0]?.someLinesUpTo).toBeLessThanOrEqual(first.lastLineDelivered);

    await expectEachLineOnce(brokers, names.topic, lines.valid, `${names.group}-read`);
    await expectEachLineOnce(brokers, deadLetterTopic(names.topic), lines.invalid, `${names.group}-dlq`);
    await expectVerifyExact(names, file);
  });

  it('publishes nothing for a finished file, a second stream with --again, and refuses another file under the same name', {
    timeout: 180_000,
  }, async () => {
    const names = named('resume-rerun');
    const file = fileWithInvalidLines(20_000, 83, 500);
    const lines = fileLines(file);
    const env = pipelineEnv(names);
    const first = summaryOf(await runCli(['produce', file, '--json', '--no-progress'], env));
    expect(first).toMatchObject({ complete: true, stream: 1, flowsPublished: lines.valid.length });

    // Run again: nothing new, and it says so.
    const before = await topics.written(names.topic);
    const again = await runCli(['produce', file, '--no-progress'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(
      new RegExp(`nothing to publish: all ${lines.valid.length.toLocaleString('en-US')} flows of ${basename(file)}`),
    );
    const rerun = summaryOf(await runCli(['produce', file, '--json', '--no-progress'], env));
    expect(rerun).toMatchObject({
      complete: true,
      flowsPublished: 0,
      flowsAlreadyInTopic: lines.valid.length,
      invalidLinesAlreadyInTopic: lines.invalid.length,
    });
    expect(await topics.written(names.topic)).toBe(before);
    expect(await topics.written(deadLetterTopic(names.topic))).toBe(lines.invalid.length);

    // --again: the same data as a second stream, counted as such.
    const second = summaryOf(await runCli(['produce', file, '--again', '--json', '--no-progress'], env));
    expect(second).toMatchObject({ complete: true, stream: 2, flowsPublished: lines.valid.length });
    const messages = await topicLines(brokers, names.topic, `${names.group}-read`);
    expect(messages).toHaveLength(2 * lines.valid.length);
    const streams = new Set(messages.map((m) => m.sourceId));
    expect([...streams].map((id) => id?.split('/')[1]).sort()).toEqual(['1', '2']);
    expect(new Set([...streams].map((id) => id?.split('/')[0])).size).toBe(1);
    expect(await topics.written(deadLetterTopic(names.topic))).toBe(2 * lines.invalid.length);
    await consumeToEnd(names);
    const totals = await new StateReader(redis, names.prefix).totals();
    expect(totals.flows).toBe(2 * lines.valid.length);
    expect(totals.invalidLines).toBe(2 * lines.invalid.length);

    // Another file under the same name: one sentence, exit 2, nothing published.
    const other = join(mkdtempSync(join(tmpdir(), 'flowwatch-test-')), basename(file));
    copyFileSync(fileWithInvalidLines(20_000, 84, 500), other);
    const before2 = await topics.written(names.topic);
    const refused = await runCli(['produce', other, '--no-progress'], env);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    const said = userLines(refused.stderr);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(new RegExp(`^flowwatch: the topic ${names.topic} already holds ${basename(file)}, `));
    expect(said[0]).toMatch(/--again/);
    expect(said[0]).toMatch(/--source/);
    expect(refused.stderr).not.toMatch(/^\s*at /m);
    expect(await topics.written(names.topic)).toBe(before2);
  });

  it('resumes standard input under the name --source gives it; unnamed, each run is a new stream', {
    timeout: 180_000,
  }, async () => {
    const names = named('resume-stdin');
    const file = fileWithInvalidLines(100_000, 85, 999);
    const bytes = readFileSync(file);
    const lines = fileLines(file);
    const producer = startProducer(names, '-', ['--source', 'day-02.csv', '--rate', '20000'], bytes);
    await untilWritten(names.topic, randomInt(5_000, 30_000), producer);
    producer.child.kill('SIGKILL');
    expect((await producer.done).signal).toBe('SIGKILL');

    const rerun = summaryOf(
      await runCli(['produce', '-', '--source', 'day-02.csv', '--json', '--no-progress'], pipelineEnv(names), bytes),
    );
    expect(rerun).toMatchObject({ complete: true, source: 'day-02.csv', stream: 1 });
    expect(rerun.flowsAlreadyInTopic).toBeGreaterThan(0);
    await expectEachLineOnce(brokers, names.topic, lines.valid, `${names.group}-read`);
    await expectEachLineOnce(brokers, deadLetterTopic(names.topic), lines.invalid, `${names.group}-dlq`);
    const messages = await topicLines(brokers, names.topic, `${names.group}-ids`);
    expect(new Set(messages.map((m) => `${m.source} ${m.sourceId}`))).toEqual(new Set(['day-02.csv stdin/1']));

    // The same name for a file: its content cannot be matched with what came from standard input.
    const refused = await runCli(['produce', file, '--source', 'day-02.csv', '--no-progress'], pipelineEnv(names));
    expect(refused.code).toBe(2);
    expect(userLines(refused.stderr)).toHaveLength(1);

    // Without --source, standard input has no identity to resume: every run is a stream of its own.
    const unnamed = named('resume-unnamed');
    const small = fileWithInvalidLines(2_000, 86, 500);
    for (const stream of [1, 2]) {
      const summary = summaryOf(
        await runCli(['produce', '-', '--json', '--no-progress'], pipelineEnv(unnamed), readFileSync(small)),
      );
      expect(summary).toMatchObject({ source: 'stdin', stream, flowsPublished: fileLines(small).valid.length });
    }
  });
});
