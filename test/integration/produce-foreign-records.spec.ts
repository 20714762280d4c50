// Records another program wrote under a source's name do not move where a run of the source
// resumes: a record whose `line` header is not a line number was not written by flowwatch, tells
// nothing about what the topic holds of the stream, and is passed over.
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { fingerprintFile } from '../../flow/index.ts';
import { createKafka } from '../../kafka/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import type { ProduceSummary } from '../../producer/index.ts';
import { createLogger } from '../../runtime/index.ts';
import { runCli } from '../support/cli.ts';
import { fileTopics } from '../support/file-topics.ts';
import { testNames } from '../support/test-names.ts';
import { fileLines, fileWithInvalidLines, topicLines } from '../support/topic-lines.ts';

const config = loadConfig(process.env);
const brokers = config.kafkaBrokers.join(',');
const kafka = createKafka(config, createLogger('silent'), 'flowwatch-test-foreign');
const topics = fileTopics(config, 'flowwatch-test-foreign', kafka);

/** Every line number each message of `topic` carries, of those that carry one. */
async function numberedLines(topic: string, groupId: string): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const { line } of await topicLines(brokers, topic, groupId)) {
    if (Number.isInteger(line)) counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return counts;
}

describe('flowwatch produce beside records of another program', () => {
  it('publishes every line when the topics hold records of its name whose line header is not a number', async () => {
    const names = testNames('foreign');
    const dlq = deadLetterTopic(names.topic);
    topics.track(names.topic);
    const file = fileWithInvalidLines(6000, 91, 300);
    const lines = fileLines(file);
    const source = basename(file);
    const fingerprint = await fingerprintFile(file);
    await topics.admin().createTopics({
      topics: [
        { topic: names.topic, numPartitions: 3 },
        { topic: dlq, numPartitions: 1 },
      ],
      waitForLeaders: true,
    });
    // Another program's records: our name, even our identity, but a `line` that is no line number.
    const foreign = (partition: number) => ({
      partition,
      key: 'other',
      value: 'not a flow',
      headers: { source, 'source-id': `${fingerprint}/1`, line: 'not-a-line' },
    });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: names.topic, messages: [0, 1, 2].map(foreign) });
    await producer.send({ topic: dlq, messages: [foreign(0)] });
    await producer.disconnect();

    const result = await runCli(['produce', file, '--json', '--no-progress'], { FLOWWATCH_TOPIC: names.topic });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const summary = JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as ProduceSummary;
    expect(summary).toMatchObject({
      complete: true,
      resumed: false,
      stream: 1,
      flowsPublished: lines.valid.length,
      flowsAlreadyInTopic: 0,
      invalidLinesAlreadyInTopic: 0,
    });
    // Every line of the file once, beside the foreign records, which are left as they are.
    const flows = await numberedLines(names.topic, `${names.group}-flows`);
    expect([...flows.keys()].sort((x, y) => x - y)).toEqual(lines.valid);
    expect([...flows.values()].every((times) => times === 1)).toBe(true);
    const deadLetters = await numberedLines(dlq, `${names.group}-dlq`);
    expect([...deadLetters.keys()].sort((x, y) => x - y)).toEqual(lines.invalid);
    expect([...deadLetters.values()].every((times) => times === 1)).toBe(true);
  });
});
