// What a topic holds of a flow file, line by line: read through the `line` header of every message,
// so a lost or duplicated line shows up as a count other than one.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { generateFlowText } from '../../data/flow-generator.ts';
import { Header, headerText, isHeaderLine, parseFlowLine } from '../../flow/index.ts';
import { createKafka } from '../../kafka/index.ts';
import { createLogger } from '../../runtime/index.ts';
import { waitFor } from './wait-for.ts';

/** A generated flow file with an invalid line every `invalidEvery` lines. */
export function fileWithInvalidLines(lines: number, seed: number, invalidEvery: number): string {
  // The generator yields chunks of many lines: split them, so every `invalidEvery`-th line is replaced.
  const generated = [...generateFlowText({ lines, seed })].join('').split('\n');
  generated.pop(); // the text ends with a newline
  const text = generated.map((line, index) => ((index + 1) % invalidEvery === 0 ? `not-a-flow,${index + 1}` : line));
  const path = join(mkdtempSync(join(tmpdir(), 'flowwatch-test-')), `flows-${lines}-${seed}.csv`);
  writeFileSync(path, `${text.join('\n')}\n`);
  return path;
}

/** The line numbers of a plain-text file's valid flows and of its invalid lines. */
export function fileLines(path: string): { valid: number[]; invalid: number[] } {
  const valid: number[] = [];
  const invalid: number[] = [];
  const lines = readFileSync(path).toString('utf8').split('\n');
  lines.forEach((text, index) => {
    const lineNumber = index + 1;
    const line = Buffer.from(text);
    if (index === lines.length - 1 && text === '') return;
    if (isHeaderLine(lineNumber, line)) return;
    const result = parseFlowLine(line);
    if (result.kind === 'flow') valid.push(lineNumber);
    if (result.kind === 'invalid') invalid.push(lineNumber);
  });
  return { valid, invalid };
}

/** One message of a topic, as far as a test of the producer cares. */
export interface TopicLine {
  readonly partition: number;
  readonly offset: number;
  readonly line: number;
  readonly source: string | undefined;
  readonly sourceId: string | undefined;
}

/** Every message of the topic, in partition and offset order, through a consumer group of its own. */
export async function topicLines(brokers: string, topic: string, groupId: string): Promise<TopicLine[]> {
  const config = loadConfig({ ...process.env, KAFKA_BROKERS: brokers });
  const kafka = createKafka(config, createLogger('silent'), 'flowwatch-test-reader');
  const admin = kafka.admin();
  await admin.connect();
  // Right after a node comes back its partitions may still be electing leaders: ask until they answer.
  const offsets = await waitFor(() => admin.fetchTopicOffsets(topic), {
    timeoutMs: 60_000,
    intervalMs: 250,
    what: `the end offsets of ${topic}`,
  });
  const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  await admin.disconnect();
  const seen: TopicLine[] = [];
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          seen.push({
            partition: batch.partition,
            offset: Number(message.offset),
            line: Number(headerText(message.headers, Header.line)),
            source: headerText(message.headers, Header.source),
            sourceId: headerText(message.headers, Header.sourceId),
          });
        }
      },
    });
    await waitFor(() => seen.length >= total, { timeoutMs: 90_000, what: `${total} messages of ${topic}` });
  } finally {
    await consumer.disconnect();
  }
  return seen.sort((x, y) => x.partition - y.partition || x.offset - y.offset);
}

/** How many messages of the topic carry each line number (of any source). */
export async function lineCounts(brokers: string, topic: string, groupId: string): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const { line } of await topicLines(brokers, topic, groupId)) counts.set(line, (counts.get(line) ?? 0) + 1);
  return counts;
}

/** Expects every partition to hold its lines in increasing order: per key, the file's order. */
export function expectLinesInOrder(messages: readonly TopicLine[]): void {
  const last = new Map<number, number>();
  let outOfOrder = 0;
  for (const { partition, line } of messages) {
    if (line <= (last.get(partition) ?? 0)) outOfOrder++;
    last.set(partition, line);
  }
  expect(outOfOrder, 'lines out of order within a partition').toBe(0);
}

/** Expects the topic to hold each of `lines` exactly once and nothing else, each partition in line order. */
export async function expectEachLineOnce(
  brokers: string,
  topic: string,
  lines: readonly number[],
  groupId: string,
): Promise<void> {
  const messages = await topicLines(brokers, topic, groupId);
  const counts = new Map<number, number>();
  for (const { line } of messages) counts.set(line, (counts.get(line) ?? 0) + 1);
  const missing = lines.filter((line) => !counts.has(line));
  const repeated = [...counts].filter(([, times]) => times > 1).map(([line]) => line);
  const expected = new Set(lines);
  const foreign = [...counts.keys()].filter((line) => !expected.has(line));
  expect(
    { missing: missing.length, repeated: repeated.length, foreign: foreign.length },
    `first missing ${missing.slice(0, 5)}, first repeated ${repeated.slice(0, 5)}`,
  ).toEqual({ missing: 0, repeated: 0, foreign: 0 });
  expectLinesInOrder(messages);
}
