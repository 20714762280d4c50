// Requests the broker accepts, whatever the input and the topic layout: a one-partition topic, a flood
// of invalid or over-long lines, many or huge messages written by another program. Each run ends with
// every line where it belongs and the stream equal to the batch answer.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import kafkajs, { type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { Header, headerText } from '../../flow/index.ts';
import { connectAdmin, createKafka, ensureTopics } from '../../kafka/index.ts';
import { readRecordBatchLimits } from '../../kafka/record-batch-limit.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import { createLogger } from '../../runtime/index.ts';
import { createRedis, StateReader } from '../../state/index.ts';
import { ROOT, runCli } from '../support/cli.ts';
import { groundTruth } from '../support/ground-truth.ts';
import {
  consumeToEnd,
  expectStateEqualsFile,
  generatedFile,
  namedRuns,
  pipelineEnv,
  produce,
  startConsumer,
} from '../support/pipeline.ts';
import { expectEachLineOnce, fileLines } from '../support/topic-lines.ts';
import { waitFor, within } from '../support/wait-for.ts';

const SAMPLE = join(ROOT, 'data/sample-flows.csv.gz');
const SAMPLE_FLOWS = 100_000;

const config = loadConfig(process.env);
const brokers = config.kafkaBrokers.join(',');
const redis = createRedis(config);
const runs = namedRuns(redis);
const kafka = createKafka(config, createLogger('silent'), 'flowwatch-test-request-sizes');
const dir = mkdtempSync(join(tmpdir(), 'flowwatch-sizes-'));
const topicsUsed = new Set<string>();
let admin: Admin;

/** Names for one run; its topics are deleted after the file. */
function named(label: string) {
  const names = runs.named(label);
  topicsUsed.add(names.topic);
  topicsUsed.add(deadLetterTopic(names.topic));
  return names;
}

function writeFile(name: string, lines: readonly string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/** Sets a topic's max.message.bytes, and waits until the topic reads it back. */
async function limitRecordBatches(topic: string, bytes: number): Promise<void> {
  await admin.alterConfigs({
    validateOnly: false,
    resources: [
      {
        type: kafkajs.ConfigResourceTypes.TOPIC,
        name: topic,
        configEntries: [{ name: 'max.message.bytes', value: String(bytes) }],
      },
    ],
  });
  // The controller answers once the change is committed; the broker that describes the topic applies
  // it a moment later, so the test waits until the topic reads back what was set.
  await waitFor(
    async () => {
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
      });
      return described.resources[0]?.configEntries[0]?.configValue === String(bytes);
    },
    { timeoutMs: 30_000, what: `${topic}'s max.message.bytes to read ${bytes}` },
  );
}

/** Writes records the way another program would, to the flow topic. */
async function writeForeign(topic: string, messages: { partition?: number; value: Buffer }[]): Promise<void> {
  const writer = kafka.producer();
  await writer.connect();
  try {
    await writer.send({ topic, acks: -1, messages });
  } finally {
    await writer.disconnect();
  }
}

/** Messages held by the topic, over all partitions. */
async function messagesIn(topic: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

async function undecodableCounted(prefix: string): Promise<number> {
  return (await new StateReader(redis, prefix).totals()).undecodable;
}

/** The dead letters a consumer made of another writer's messages: value length and headers. */
async function messageDeadLetters(topic: string, groupId: string, expected: number) {
  const letters: { length: number; fullLength?: string; offset?: string }[] = [];
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          if (headerText(message.headers, Header.rejectedBy) !== 'message') continue;
          letters.push({
            length: message.value?.length ?? 0,
            fullLength: headerText(message.headers, Header.fullLength),
            offset: headerText(message.headers, Header.offset),
          });
        }
      },
    });
    await waitFor(() => letters.length >= expected, { timeoutMs: 90_000, what: `${expected} dead letters` });
  } finally {
    await consumer.disconnect();
  }
  return letters;
}

beforeAll(async () => {
  admin = await connectAdmin(kafka, config);
});

afterAll(async () => {
  try {
    await runs.cleanup();
    const existing = new Set(await admin.listTopics());
    const mine = [...topicsUsed].filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  } finally {
    await admin.disconnect();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('requests sized to what the broker accepts', () => {
  it('publishes the whole sample to a one-partition topic, and the stream equals the batch answer', async () => {
    const names = named('one-partition');
    await produce(names, SAMPLE, ['--partitions', '1']);
    expect(await messagesIn(names.topic)).toBe(SAMPLE_FLOWS);
    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, SAMPLE);
  });

  it('publishes a stretch of 20,000 flows to one device on a four-partition topic', async () => {
    const names = named('one-device');
    const file = writeFile(
      'one-device.csv',
      Array.from(
        { length: 20_000 },
        (_, i) => `${118900 + i},49,Comp${300000 + (i % 50)},Comp785232,6,Port${40000 + i},80,10,35,13910,28490`,
      ),
    );
    await produce(names, file, ['--partitions', '4']);
    expect(await messagesIn(names.topic)).toBe(20_000);
    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, file);
  });

  it('publishes to a topic whose record batches are capped far below 1 MiB', async () => {
    const names = named('small-batches');
    await ensureTopics(admin, names.topic, { partitions: 2 });
    await limitRecordBatches(names.topic, 64 * 1024);
    await limitRecordBatches(deadLetterTopic(names.topic), 64 * 1024);
    const file = writeFile('small-batches.csv', [
      ...Array.from({ length: 2000 }, (_, i) => `118900,${i},Comp1,Comp2,6,Port1,80,1,1,1,1`),
      ...Array.from({ length: 2000 }, () => '1,2,3,4,5,6,7,8,9,10,11,12'),
    ]);
    await produce(names, file);
    expect(await messagesIn(names.topic)).toBe(2000);
    expect(await messagesIn(deadLetterTopic(names.topic))).toBe(2000);
    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, file);
  });

  it("reads a topic's own max.message.bytes even above the brokers' message.max.bytes, and the brokers' where it has none", async () => {
    const names = named('own-limit');
    await ensureTopics(admin, names.topic, { partitions: 1 });
    await limitRecordBatches(names.topic, 3 * 1024 * 1024);
    const limits = await readRecordBatchLimits(admin, [names.topic, deadLetterTopic(names.topic)]);
    expect(limits.get(names.topic)).toEqual({ bytes: 3 * 1024 * 1024, setting: 'max.message.bytes' });
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: kafkajs.ConfigResourceTypes.TOPIC, name: deadLetterTopic(names.topic) }],
    });
    const inherited = described.resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes');
    expect(limits.get(deadLetterTopic(names.topic))).toEqual({
      bytes: Number(inherited?.configValue),
      setting: 'message.max.bytes',
    });
  });

  it('refuses a topic too small for the largest flow before anything is sent', async () => {
    const names = named('too-small');
    await ensureTopics(admin, names.topic, { partitions: 2 });
    await limitRecordBatches(names.topic, 4600);
    const file = writeFile('too-small.csv', [
      ...Array.from({ length: 2000 }, (_, i) => `118900,${i},Comp1,Comp2,6,Port1,80,1,1,1,1`),
      `118900,1,${'C'.repeat(4000)},Comp2,6,Port1,80,1,1,1,1`,
    ]);
    const result = await runCli(['produce', file, '--json', '--no-progress'], pipelineEnv(names));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      new RegExp(
        `topic ${names.topic} accepts record batches of at most 4600 bytes \\(max\\.message\\.bytes\\).*\\(FW_KAFKA_TOPIC_LAYOUT\\)`,
      ),
    );
    expect(await messagesIn(names.topic)).toBe(0);
    expect(await messagesIn(deadLetterTopic(names.topic))).toBe(0);
  });

  it('dead-letters 20,000 invalid lines in a row, each once', async () => {
    const names = named('invalid-flood');
    const file = writeFile(
      'invalid-flood.csv',
      Array.from({ length: 20_000 }, () => '1,2,3,4,5,6,7,8,9,10,11,12'),
    );
    await produce(names, file);
    await expectEachLineOnce(brokers, deadLetterTopic(names.topic), fileLines(file).invalid, `${names.group}-dlq`);
    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, file);
  });

  it('dead-letters 300 lines of 5,000 characters, each once', async () => {
    const names = named('long-lines');
    // Invalid by their fields too, so that the test's own answer (which has no length rule) agrees.
    const file = writeFile(
      'long-lines.csv',
      Array.from({ length: 300 }, (_, i) => `${i},${'x'.repeat(4990)}`.padEnd(5000, 'x')),
    );
    await produce(names, file);
    const lines = Array.from({ length: 300 }, (_, i) => i + 1);
    await expectEachLineOnce(brokers, deadLetterTopic(names.topic), lines, `${names.group}-dlq`);
    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, file);
  });

  it('dead-letters 20,000 undecodable messages from another writer, counted exactly, beside the sample', async () => {
    const names = named('foreign-flood');
    await produce(names, SAMPLE);
    // The other writer keeps within the limit itself: 2,000 records a request.
    for (let sent = 0; sent < 20_000; sent += 2000) {
      await writeForeign(
        names.topic,
        Array.from({ length: 2000 }, () => ({ partition: 0, value: Buffer.alloc(100, 0x7e) })),
      );
    }
    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, SAMPLE);
    expect(await undecodableCounted(names.prefix)).toBe(20_000);
    expect(await messagesIn(deadLetterTopic(names.topic))).toBeGreaterThanOrEqual(20_000);
  });

  it('dead-letters a message larger than the dead-letter topic accepts, cut, with its full length', async () => {
    const names = named('foreign-huge');
    await ensureTopics(admin, names.topic, { partitions: 1 });
    // The flow topic takes 3 MiB record batches; its dead-letter topic keeps the broker's default.
    await limitRecordBatches(names.topic, 3 * 1024 * 1024);
    const huge = 2 * 1024 * 1024;
    await writeForeign(names.topic, [{ value: Buffer.alloc(huge, 0x7e) }]);
    await consumeToEnd(names);
    expect(await undecodableCounted(names.prefix)).toBe(1);
    const [letter] = await messageDeadLetters(deadLetterTopic(names.topic), `${names.group}-dlq`, 1);
    expect(letter?.fullLength).toBe(String(huge));
    expect(letter?.length).toBeLessThan(huge);
    expect(letter?.offset).toBe('0');
  });

  it('ends a member whose dead-letter copy is refused for good, with the reason, counting nothing of that batch', async () => {
    const names = named('copy-refused');
    const file = generatedFile(2000, 3);
    await produce(names, file, ['--partitions', '1']);
    const member = startConsumer(names);
    try {
      await waitFor(
        async () => (await new StateReader(redis, names.prefix).totals()).flows === groundTruth(file).flows,
        {
          timeoutMs: 60_000,
          what: 'the file counted',
        },
      );
      // The member read the dead-letter topic's limit at start; now it takes no more than 1 KiB.
      await limitRecordBatches(deadLetterTopic(names.topic), 1024);
      await writeForeign(names.topic, [{ value: Buffer.alloc(2000, 0x7e) }]);
      const result = await within(member.done, 60_000, 'the member to end');
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/refused the copies of 1 unreadable messages of .*\(FW_KAFKA_REFUSED\)/);
    } finally {
      member.child.kill('SIGKILL');
    }
    expect(await undecodableCounted(names.prefix)).toBe(0);
    await expectStateEqualsFile(redis, names.prefix, file);
  });
});
