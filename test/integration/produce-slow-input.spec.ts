// `flowwatch produce -` fed slowly: what it has read is published within its linger, not only once
// 8,000 flows have piled up or the input ends, and a stop delivers what it holds, prints the summary
// and exits 130, also while the input is silent, or while it still waits for the broker at start.
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import type { ProduceSummary } from '../../producer/index.ts';
import { explain, type RunningCli, spawnCli } from '../support/cli.ts';
import { fileTopics } from '../support/file-topics.ts';
import { HeldProxy } from '../support/held-proxy.ts';
import { testNames } from '../support/test-names.ts';
import { expectEachLineOnce, fileLines, fileWithInvalidLines } from '../support/topic-lines.ts';
import { waitFor, within } from '../support/wait-for.ts';

const config = loadConfig(process.env);
const brokers = config.kafkaBrokers.join(',');
const topics = fileTopics(config, 'flowwatch-test-slow');

async function untilWritten(topic: string, target: number, producer: RunningCli): Promise<void> {
  await waitFor(
    async () => {
      if (producer.child.exitCode !== null) throw new Error('the producer exited');
      return (await topics.written(topic)) >= target;
    },
    { timeoutMs: 10_000, intervalMs: 50, what: `${target} messages in ${topic} while the input is silent` },
  ).catch(explain([producer]));
}

describe('flowwatch produce from a slow standard input', () => {
  it('publishes what it has read while the input is silent, and on SIGTERM delivers what it holds, prints the summary and exits 130', {
    timeout: 120_000,
  }, async () => {
    const names = testNames('slow-stdin');
    const dlq = deadLetterTopic(names.topic);
    topics.track(names.topic);
    const file = fileWithInvalidLines(2000, 93, 100);
    const lines = fileLines(file);
    const text = readFileSync(file);
    const half = text.indexOf('\n', Math.floor(text.length / 2)) + 1;
    const firstLines = text.subarray(0, half).toString().split('\n').length - 1;
    const input = new PassThrough();
    const producer = spawnCli(
      ['produce', '-', '--json', '--no-progress', '--partitions', '3'],
      { FLOWWATCH_TOPIC: names.topic },
      input,
    );

    // About 1,000 lines, then silence: far fewer than a batch, and no end of the input.
    input.write(text.subarray(0, half));
    const firstFlows = lines.valid.filter((line) => line <= firstLines).length;
    const firstInvalid = lines.invalid.filter((line) => line <= firstLines).length;
    await untilWritten(names.topic, firstFlows, producer);
    await untilWritten(dlq, firstInvalid, producer);

    // The rest, and a stop at once: whatever it has read by then goes out before it exits.
    input.write(text.subarray(half));
    producer.child.kill('SIGTERM');
    const stopped = await within(producer.done, 30_000, 'the producer to stop').catch(explain([producer]));
    input.destroy();
    expect(stopped.code, stopped.stderr.slice(-2000)).toBe(130);
    const summary = JSON.parse(stopped.stdout.trim().split('\n').at(-1) ?? '{}') as ProduceSummary;
    expect(summary).toMatchObject({ complete: false, source: 'stdin' });
    expect(summary.lastLineDelivered).toBeGreaterThanOrEqual(firstLines - 1);
    // The topic holds exactly the flows up to the last line delivered, each once, as the summary says.
    const delivered = lines.valid.filter((line) => line <= summary.lastLineDelivered);
    expect(summary.flowsPublished).toBe(delivered.length);
    await expectEachLineOnce(brokers, names.topic, delivered, `${names.group}-flows`);
  });
});

describe('flowwatch produce stopped before it publishes', () => {
  it('exits 130 with one sentence when stopped while the broker has not answered yet', async () => {
    const names = testNames('stop-at-start');
    topics.track(names.topic);
    const [host, port] = (config.kafkaBrokers[0] as string).split(':') as [string, string];
    const proxy = await HeldProxy.start({ host, port: Number(port) });
    try {
      // The broker's answers never come: start-up waits on its first request.
      proxy.hold();
      const input = new PassThrough();
      const producer = spawnCli(
        ['produce', '-', '--json', '--no-progress'],
        { FLOWWATCH_TOPIC: names.topic, KAFKA_BROKERS: `127.0.0.1:${proxy.port}` },
        input,
      );
      await waitFor(() => proxy.heldBytes > 0, { timeoutMs: 30_000, what: 'its first request to the broker' }).catch(
        explain([producer]),
      );
      producer.child.kill('SIGTERM');
      const stopped = await within(producer.done, 30_000, 'the producer to stop').catch(explain([producer]));
      input.destroy();
      expect({ code: stopped.code, signal: stopped.signal }, stopped.stderr.slice(-2000)).toEqual({
        code: 130,
        signal: null,
      });
      const said = stopped.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'));
      expect(said).toEqual([expect.stringMatching(/^flowwatch: stopped .*\(FW_INTERRUPTED\)$/)]);
      expect(stopped.stdout).toBe('');
    } finally {
      await proxy.close();
    }
  });
});
