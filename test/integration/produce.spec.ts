// `flowwatch produce` against the real broker: what lands in the flow topic and in the dead-letter
// topic, for a plain file, a gzip file and standard input; failures; pacing; memory. Stops, kills and
// re-runs are in produce-resume.spec.ts.

import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzipSync } from 'node:zlib';
import type { Admin, IHeaders } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { generateFlowText } from '../../data/flow-generator.ts';
import { MAX_LINE_BYTES } from '../../flow/index.ts';
import { connectAdmin, createKafka } from '../../kafka/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import type { ProduceSummary } from '../../producer/index.ts';
import { createLogger } from '../../runtime/index.ts';
import { type CliResult, runCli, spawnCli } from '../support/cli.ts';
import { testNames } from '../support/test-names.ts';
import { waitFor } from '../support/wait-for.ts';

const names = testNames('produce');
const config = loadConfig(process.env);
const kafka = createKafka(config, createLogger('silent'), 'flowwatch-test-produce');
const dir = mkdtempSync(join(tmpdir(), 'flowwatch-produce-'));
const topicsUsed = new Set<string>();
const groupsUsed = new Set<string>();
let admin: Admin;

/** A topic of this file's own; the dead-letter topic comes with it. */
function topic(label: string): string {
  const name = `${names.topic}-${label}`;
  topicsUsed.add(name);
  topicsUsed.add(deadLetterTopic(name));
  return name;
}

beforeAll(async () => {
  admin = await connectAdmin(kafka, config);
});

afterAll(async () => {
  try {
    const existing = new Set(await admin.listTopics());
    const mine = [...topicsUsed].filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    if (groupsUsed.size > 0) await admin.deleteGroups([...groupsUsed]).catch(() => undefined);
  } finally {
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------------------------
// The planted file: every line's fate is decided here, by construction, not by the product's parser.

type Fate =
  | { readonly kind: 'flow'; readonly value: Buffer; readonly key: string }
  | { readonly kind: 'invalid'; readonly stored: Buffer; readonly reason: RegExp }
  | { readonly kind: 'skipped' };

interface PlannedLine {
  /** The line's bytes, without its LF (a CRLF line keeps its CR here). */
  readonly bytes: Buffer;
  readonly fate: Fate;
}

const HEADER = 'Time,Duration,SrcDevice,DstDevice,Protocol,SrcPort,DstPort,SrcPackets,DstPackets,SrcBytes,DstBytes';
const b = (text: string) => Buffer.from(text, 'utf8');
const LONG_LINE = `118900,1,${'C'.repeat(6000)},Comp2,6,Port1,80,1,1,1,1`;

const flow = (text: string, key: string, crlf = false): PlannedLine => ({
  bytes: b(crlf ? `${text}\r` : text),
  fate: { kind: 'flow', value: b(text), key },
});
const invalid = (bytes: Buffer, reason: RegExp): PlannedLine => ({
  bytes,
  fate: { kind: 'invalid', stored: bytes, reason },
});
const skipped = (text: string): PlannedLine => ({ bytes: b(text), fate: { kind: 'skipped' } });

/** One of every kind of line that is not a plain valid LANL line. */
const SPECIAL_LINES: readonly PlannedLine[] = [
  invalid(b('118900,1,Comp1,Comp2,6,Port1,80,1,1,1'), /expected 11 fields, found 10/),
  invalid(b('118900,1,Comp1,Comp2,6,Port1,80,1,1,1,1,1'), /expected 11 fields, found 12/),
  invalid(b('118900,1.5,Comp1,Comp2,6,Port1,80,1,1,1,1'), /Duration is not a non-negative integer/),
  invalid(b('118900,1,Comp1,Comp2,6,Port1,80,-3,1,1,1'), /SrcPackets is not a non-negative integer/),
  invalid(b(HEADER), /Time is not a non-negative integer/), // a header line after line 1 is no header
  invalid(b('118900,1,Comp1,Comp2,256,Port1,80,1,1,1,1'), /Protocol/),
  invalid(b('118900,1,Comp1,Comp2,6,Port1,65536,1,1,1,1'), /DstPort/),
  invalid(b('118900,1,Comp1,Comp2,6,PortX,80,1,1,1,1'), /SrcPort/),
  invalid(b('118900,1,Comp1,,6,Port1,80,1,1,1,1'), /DstDevice is empty/),
  invalid(b('118900,1,,Comp2,6,Port1,80,1,1,1,1'), /SrcDevice is empty/),
  invalid(
    Buffer.concat([b('118900,1,Comp'), Buffer.from([0xff, 0xfe, 0xc3]), b(',Comp2,6,Port1,80,1,1,1,1')]),
    /UTF-8/,
  ),
  {
    bytes: b(LONG_LINE),
    fate: {
      kind: 'invalid',
      stored: b(LONG_LINE).subarray(0, MAX_LINE_BYTES),
      reason: new RegExp(`longer than ${MAX_LINE_BYTES} bytes \\(${Buffer.byteLength(LONG_LINE)} bytes\\)`),
    },
  },
  invalid(b('118900,1,"Comp1,Comp2,6,Port1,80,1,1,1,1'), /quot/i),
  invalid(b('118900,1,"Comp1"x,Comp2,6,Port1,80,1,1,1,1'), /quot/i),
  skipped(''),
  skipped('\r'), // a blank CRLF line
  flow('"118900","1","Comp1","Web,""Srv""",6,Port1,"80",1,1,1,1', 'Web,"Srv"'),
  flow('118901,1,"Comp1",Comp2,6,"Port1",80,1,1,1,1', 'Comp2', true),
];

interface PlannedFile {
  readonly lines: readonly PlannedLine[];
  readonly bytes: Buffer;
  readonly flows: number;
  readonly invalid: number;
  readonly skipped: number;
}

/**
 * A header at line 1, `validLines` generated lines (every 7th with CRLF), and the special lines
 * spread through it.
 */
function plannedFile(validLines: number): PlannedFile {
  const generated = [...generateFlowText({ lines: validLines, seed: 42 })].join('').split('\n');
  generated.pop(); // the text ends with a newline
  const lines: PlannedLine[] = [skipped(HEADER)];
  const every = Math.floor(validLines / (SPECIAL_LINES.length + 1));
  let special = 0;
  generated.forEach((text, i) => {
    if (i > 0 && i % every === 0 && special < SPECIAL_LINES.length) lines.push(SPECIAL_LINES[special++] as PlannedLine);
    lines.push(flow(text, text.split(',')[3] as string, i % 7 === 3));
  });
  while (special < SPECIAL_LINES.length) lines.push(SPECIAL_LINES[special++] as PlannedLine);
  const bytes = Buffer.concat(lines.flatMap((line) => [line.bytes, b('\n')]));
  const count = (kind: Fate['kind']) => lines.filter((line) => line.fate.kind === kind).length;
  return { lines, bytes, flows: count('flow'), invalid: count('invalid'), skipped: count('skipped') };
}

// ---------------------------------------------------------------------------------------------
// Reading a topic back.

interface Received {
  readonly partition: number;
  readonly offset: number;
  readonly key: string | undefined;
  readonly value: Buffer;
  readonly headers: IHeaders;
}

function header(message: Received, name: string): string | undefined {
  const value = message.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString();
}

/** Sum of the partitions' end offsets: with no transactions, the number of messages in the topic. */
async function messageCount(name: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(name);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

/** Every message of the topic, in partition and offset order, through a consumer group of its own. */
async function readTopic(name: string): Promise<Received[]> {
  const total = await messageCount(name);
  const groupId = `${names.group}-${name}-${groupsUsed.size}`;
  groupsUsed.add(groupId);
  // A short fetch wait: the read ends once the end offsets are reached, not after an idle fetch.
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
  const seen = new Map<string, Received>();
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: name, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          seen.set(`${batch.partition}/${m.offset}`, {
            partition: batch.partition,
            offset: Number(m.offset),
            key: m.key?.toString(),
            value: m.value ?? Buffer.alloc(0),
            headers: m.headers ?? {},
          });
        }
      },
    });
    await waitFor(() => seen.size >= total, { timeoutMs: 90_000, what: `${total} messages of ${name}` });
  } finally {
    await consumer.disconnect();
  }
  expect(seen.size).toBe(total);
  return [...seen.values()].sort((x, y) => x.partition - y.partition || x.offset - y.offset);
}

// ---------------------------------------------------------------------------------------------
// Assertions shared by the plain, gzip and stdin runs.

type Summary = ProduceSummary;

function summaryOf(result: CliResult): Summary {
  expect(result.code, result.stderr).toBe(0);
  const last = result.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Summary;
}

function expectSummaryMatches(summary: Summary, plan: PlannedFile, source: string, topicName: string): void {
  expect(summary).toMatchObject({
    source,
    topic: topicName,
    linesRead: plan.lines.length,
    flowsPublished: plan.flows,
    invalidLines: plan.invalid,
    skippedLines: plan.skipped,
    lastLineDelivered: plan.lines.length,
    complete: true,
  });
  // The independent count adds up: every line is exactly one of flow, invalid, skipped.
  expect(plan.flows + plan.invalid + plan.skipped).toBe(plan.lines.length);
}

async function expectTopicHoldsPlan(plan: PlannedFile, topicName: string, source: string): Promise<void> {
  // The flow topic: exactly the valid lines, each once, as it stood in the file without its CR.
  const flows = await readTopic(topicName);
  const expectedFlows = plan.lines
    .map((line, i) => ({ line: i + 1, fate: line.fate }))
    .filter((l) => l.fate.kind === 'flow');
  expect(flows).toHaveLength(expectedFlows.length);
  const byLine = new Map<number, Received>();
  for (const m of flows) {
    expect(header(m, 'source')).toBe(source);
    const line = Number(header(m, 'line'));
    expect(byLine.has(line), `line ${line} published twice`).toBe(false);
    byLine.set(line, m);
  }
  for (const { line, fate } of expectedFlows) {
    if (fate.kind !== 'flow') continue;
    const m = byLine.get(line);
    expect(m, `line ${line} missing from ${topicName}`).toBeDefined();
    expect(m?.value.equals(fate.value), `value of line ${line}`).toBe(true);
    expect(m?.key, `key of line ${line}`).toBe(fate.key);
  }

  // Per key, one partition and the file's order.
  const perKey = new Map<string, { partition: number; lines: number[] }>();
  for (const m of flows) {
    const entry = perKey.get(m.key as string) ?? { partition: m.partition, lines: [] };
    expect(m.partition, `key ${m.key} in one partition`).toBe(entry.partition);
    entry.lines.push(Number(header(m, 'line')));
    perKey.set(m.key as string, entry);
  }
  expect(perKey.size).toBeGreaterThan(100);
  for (const [key, { lines }] of perKey) expect(lines, `order of key ${key}`).toEqual([...lines].sort((x, y) => x - y));
  expect(new Set(flows.map((m) => m.partition)).size).toBe(3);

  // The dead-letter topic: exactly the planted invalid lines, raw, with their line numbers and reasons.
  const deadLetters = await readTopic(deadLetterTopic(topicName));
  const expectedInvalid = plan.lines
    .map((line, i) => ({ line: i + 1, fate: line.fate }))
    .filter((l) => l.fate.kind === 'invalid');
  expect(deadLetters.map((m) => Number(header(m, 'line'))).sort((x, y) => x - y)).toEqual(
    expectedInvalid.map((l) => l.line),
  );
  for (const { line, fate } of expectedInvalid) {
    if (fate.kind !== 'invalid') continue;
    const m = deadLetters.find((d) => Number(header(d, 'line')) === line) as Received;
    expect(header(m, 'rejected-by')).toBe('line');
    expect(header(m, 'source')).toBe(source);
    expect(header(m, 'reason'), `reason of line ${line}`).toMatch(fate.reason);
    expect(m.value.equals(fate.stored), `raw bytes of line ${line}`).toBe(true);
  }
}

// ---------------------------------------------------------------------------------------------

const nonLogLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => !line.startsWith('{')); // logs are JSON lines; everything else is for the user

describe('flowwatch produce', () => {
  const plan = plannedFile(3000);
  const file = join(dir, 'flows.csv');
  const gzFile = join(dir, 'flows.csv.gz');
  writeFileSync(file, plan.bytes);
  writeFileSync(gzFile, gzipSync(plan.bytes));

  it('plants a file with every kind of line (self-check of the test data)', () => {
    expect(plan.invalid).toBe(14);
    expect(plan.skipped).toBe(3);
    expect(plan.flows).toBe(3002);
    expect(plan.lines[0]?.fate.kind).toBe('skipped');
    // Line numbers are the file's: the n-th LF ends line n.
    const text = readFileSync(file);
    let lf = -1;
    for (let i = 0; i < 100; i++) lf = text.indexOf(0x0a, lf + 1);
    expect(text.subarray(text.lastIndexOf(0x0a, lf - 1) + 1, lf).equals(plan.lines[99]?.bytes as Buffer)).toBe(true);
  });

  it('publishes exactly the valid flows and dead-letters exactly the invalid lines', async () => {
    const t = topic('plain');
    const summary = summaryOf(
      await runCli(['produce', file, '--json', '--partitions', '3', '--no-progress'], { FLOWWATCH_TOPIC: t }),
    );
    expectSummaryMatches(summary, plan, 'flows.csv', t);
    await expectTopicHoldsPlan(plan, t, 'flows.csv');
  });

  it('reads a gzip file the same way', async () => {
    const t = topic('gzip');
    const summary = summaryOf(
      await runCli(['produce', gzFile, '--json', '--partitions', '3', '--no-progress'], { FLOWWATCH_TOPIC: t }),
    );
    expectSummaryMatches(summary, plan, 'flows.csv.gz', t);
    await expectTopicHoldsPlan(plan, t, 'flows.csv.gz');
  });

  it.each([
    ['plain', false],
    ['gzip', true],
  ])('reads %s bytes from standard input the same way', async (label, gzip) => {
    const t = topic(`stdin-${label}`);
    const stdin = gzip ? gzipSync(plan.bytes) : plan.bytes;
    const summary = summaryOf(
      await runCli(['produce', '-', '--json', '--partitions', '3', '--no-progress'], { FLOWWATCH_TOPIC: t }, stdin),
    );
    expectSummaryMatches(summary, plan, 'stdin', t);
    await expectTopicHoldsPlan(plan, t, 'stdin');
  });

  it('says in one sentence that a file does not exist, exit 2', async () => {
    const missing = join(dir, 'no-such-file.csv');
    const result = await runCli(['produce', missing, '--json'], { FLOWWATCH_TOPIC: topic('missing') });
    expect(result.code).toBe(2);
    const lines = result.stderr.split('\n').filter((line) => line !== '');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^flowwatch: /);
    expect(lines[0]).toContain(missing);
    expect(result.stderr).not.toMatch(/^\s*at /m);
    expect(result.stdout).toBe('');
  });

  it('says in one sentence that no broker answers, exit 2', { timeout: 150_000 }, async () => {
    // kafkajs backs off for about a minute (createKafka's retry) before connect gives up.
    const result = await runCli(['produce', file, '--json'], {
      FLOWWATCH_TOPIC: topic('nobroker'),
      KAFKA_BROKERS: '127.0.0.1:1',
    });
    expect(result.code).toBe(2);
    expect(nonLogLines(result.stderr)).toEqual([
      'flowwatch: no Kafka broker answers at 127.0.0.1:1 (start one with: npm run infra:up) (FW_KAFKA_UNREACHABLE)',
    ]);
    expect(result.stderr).not.toMatch(/^\s*at /m);
    expect(result.stdout).toBe('');
  });
});

describe('flowwatch produce pacing', () => {
  it('--rate publishes no faster than asked', async () => {
    const file = join(dir, 'rate.csv');
    writeFileSync(file, [...generateFlowText({ lines: 4000, seed: 3 })].join(''));
    const started = performance.now();
    const summary = summaryOf(
      await runCli(['produce', file, '--json', '--rate', '2000', '--no-progress'], { FLOWWATCH_TOPIC: topic('rate') }),
    );
    const wallSeconds = (performance.now() - started) / 1000;
    expect(summary.flowsPublished).toBe(4000);
    // Flow n is due n/2000 s after the first: the last one at 2.0 s. No upper bound is asserted.
    expect(summary.elapsedSeconds).toBeGreaterThanOrEqual(1.8);
    expect(wallSeconds).toBeGreaterThanOrEqual(1.8);
  });

  it('--speedup replays the Time column no faster than asked', async () => {
    const file = join(dir, 'speedup.csv');
    const text = [...generateFlowText({ lines: 2000, seed: 4, spanSeconds: 7200 })].join('');
    writeFileSync(file, text);
    const times = text
      .trim()
      .split('\n')
      .map((line) => Number(line.split(',')[0]));
    const spanSeconds = (times.at(-1) as number) - (times[0] as number);
    expect(spanSeconds).toBeGreaterThan(7000);
    const started = performance.now();
    const summary = summaryOf(
      await runCli(['produce', file, '--json', '--speedup', '3600', '--no-progress'], {
        FLOWWATCH_TOPIC: topic('speedup'),
      }),
    );
    const wallSeconds = (performance.now() - started) / 1000;
    expect(summary.flowsPublished).toBe(2000);
    // About 7200 s of event time at 3600x: about 2 s. No upper bound is asserted.
    expect(summary.elapsedSeconds).toBeGreaterThanOrEqual(0.9 * (spanSeconds / 3600));
    expect(summary.elapsedSeconds).toBeGreaterThanOrEqual(1.8);
    expect(wallSeconds).toBeGreaterThanOrEqual(1.8);
  });
});

describe('flowwatch produce memory', () => {
  it('streams a 1,000,000-line file in bounded memory', { timeout: 240_000 }, async () => {
    const lines = 1_000_000;
    const file = join(dir, 'big.csv');
    await pipeline(Readable.from(generateFlowText({ lines, seed: 1 })), createWriteStream(file));

    // The command runs with flowwatch's own heap bounds (NODE_MEMORY_FLAGS): a producer that held
    // the file (65 MB of text, about 1 GB as messages) could not run within them at all.
    const running = spawnCli(['produce', file, '--json', '--no-progress'], { FLOWWATCH_TOPIC: topic('memory') });
    const pid = running.child.pid as number;
    let peakKb = 0;
    let samples = 0;
    const sample = async () => {
      try {
        const status = await readFile(`/proc/${pid}/status`, 'utf8');
        const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
        if (hwm !== null) {
          peakKb = Math.max(peakKb, Number(hwm[1]));
          samples++;
        }
      } catch {
        // the process has exited
      }
    };
    let exited = false;
    const sampler = (async () => {
      while (!exited) {
        await sample();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const result = await running.done;
    exited = true;
    await sampler;

    const summary = summaryOf(result);
    expect(summary).toMatchObject({ linesRead: lines, flowsPublished: lines, complete: true });
    expect(samples).toBeGreaterThan(10);
    expect(peakKb / 1024, `peak RSS ${Math.round(peakKb / 1024)} MB`).toBeLessThan(256);
  });
});
