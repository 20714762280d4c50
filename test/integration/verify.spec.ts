// `flowwatch verify` against Redis states written here by hand (no consumer runs): agreement, each kind
// of difference, its failures, and how completeness is decided (applied offsets against the topic's end).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Admin, Partitioners } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { connectAdmin, createKafka, ensureTopics } from '../../kafka/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import { createLogger } from '../../runtime/index.ts';
import type { RedisClient } from '../../state/index.ts';
import { connectRedis, createRedis, partitionId, resetState } from '../../state/index.ts';
import { type CliResult, runCli } from '../support/cli.ts';
import { HOSTILE_DEVICES, HOSTILE_DEVICES_SHOWN, TERMINAL_CONTROL } from '../support/hostile-names.ts';
import { planted } from '../support/planted-state.ts';
import { testNames } from '../support/test-names.ts';

const names = testNames('verify');
const config = loadConfig(process.env);
const kafka = createKafka(config, createLogger('silent'), 'flowwatch-test-verify');
const dir = mkdtempSync(join(tmpdir(), 'flowwatch-verify-'));
/** Every prefix a test wrote or verified under (verify records its check there), reset after the file. */
const prefixesUsed = new Set<string>();
let redis: RedisClient;
let admin: Admin;

/** An empty topic: nothing to apply, so any state counts as complete. */
const idleTopic = `${names.topic}-idle`;
/** A topic with messages that only the offsets written by a test say are applied. */
const busyTopic = `${names.topic}-busy`;

// The file and its answer, worked out by hand.
const FILE_LINES = [
  'Time,Duration,SrcDevice,DstDevice,Protocol,SrcPort,DstPort,SrcPackets,DstPackets,SrcBytes,DstBytes', // header
  '100,1,Comp1,WebA,6,Port1,80,1,1,60,60', // WebA
  '101,1,Comp2,WebA,6,Port2,80,2,2,120,120', // WebA
  '102,1,Comp3,WebB,6,Port3,80,1,1,60,60', // WebB
  '', // blank
  '103,1,Comp4,WebA,6,Port4,80,1,1,60,60\r', // WebA, CRLF
  '104,1,Comp5,WebC,6,Port5,80,1,1,60,60', // WebC
  '105,1,WebA,Comp6,6,80,Port6,1,1,60,60', // a reply from port 80: no web request
  '106,1,Comp7,Dns1,17,Port7,53,1,1,60,60', // DNS
  '107,1,Comp8,WebB,6,Port8,080,1,1,60,60', // WebB (080 is the integer 80)
  '108,1,Comp9', // invalid
  '109,1,Comp1,WebD,6,Port1,8080,1,1,60,60', // not port 80
];
const BATCH = {
  devices: { WebA: 3, WebB: 2, WebC: 1 } as Record<string, number>,
  totals: { flows: 9, webRequests: 6, invalidLines: 1, undecodable: 0 },
};
const file = join(dir, 'flows.csv');
writeFileSync(file, `${FILE_LINES.join('\n')}\n`);

type Totals = typeof BATCH.totals;

/** Writes a state under `<names.prefix>:<label>` and returns that prefix. */
async function writeState(label: string, devices: Record<string, number>, totals: Totals): Promise<string> {
  const prefix = `${names.prefix}:${label}`;
  prefixesUsed.add(prefix);
  await planted.scores(redis, prefix, devices);
  await planted.totals(redis, prefix, totals);
  return prefix;
}

function verify(prefix: string, args: string[] = [], env: Record<string, string> = {}, topic = idleTopic) {
  prefixesUsed.add(prefix);
  return runCli(['verify', file, ...args], { FLOWWATCH_TOPIC: topic, FLOWWATCH_KEY_PREFIX: prefix, ...env });
}

const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '');
const nonLogLines = (stderr: string) => lines(stderr).filter((line) => !line.startsWith('{'));

function expectOneSentence(result: CliResult, sentence: RegExp): void {
  expect(result.code, result.stderr).toBe(2);
  const shown = nonLogLines(result.stderr);
  expect(shown).toHaveLength(1);
  // The sentence, then the error's code.
  expect(shown[0]).toMatch(/^flowwatch: .* \(FW_[A-Z_]+\)$/);
  expect(shown[0]?.replace(/ \(FW_[A-Z_]+\)$/, '')).toMatch(sentence);
  expect(result.stderr).not.toMatch(/^\s*at /m);
  expect(result.stdout).toBe('');
}

beforeAll(async () => {
  redis = await connectRedis(createRedis(config), config);
  admin = await connectAdmin(kafka, config);
  await ensureTopics(admin, idleTopic, { partitions: 2 });
});

afterAll(async () => {
  try {
    for (const prefix of prefixesUsed) await resetState(redis, prefix);
    const existing = new Set(await admin.listTopics());
    const mine = [idleTopic, busyTopic].flatMap((t) => [t, deadLetterTopic(t)]).filter((t) => existing.has(t));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  } finally {
    redis.disconnect();
    await admin.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('flowwatch verify, state complete', () => {
  it('exits 0 when stream and batch are identical', async () => {
    const prefix = await writeState('same', BATCH.devices, BATCH.totals);
    const result = await verify(prefix);
    expect(result.code, result.stderr).toBe(0);
    const out = lines(result.stdout);
    expect(out.some((line) => line.startsWith('stream and batch agree:'))).toBe(true);
    expect(result.stdout).not.toMatch(/^partial:/m);

    const counted = await verify(prefix, ['--min-count', '2']);
    expect(counted.code).toBe(0);
    expect(lines(counted.stdout)).toContain(
      'stream and batch agree: 3 web servers (2 with at least 2 requests), 6 port-80 flows',
    );
  });

  it('exits 1 and names the device that is off by one', async () => {
    const prefix = await writeState('offbyone', { ...BATCH.devices, WebA: 4 }, BATCH.totals);
    const result = await verify(prefix);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^\s+WebA\s+3\s+4\s+\+1$/m);
    expect(result.stdout).not.toMatch(/^\s+Web[BC]\s/m);
    expect(lines(result.stdout).at(-1)).toBe('stream and batch differ: 1 devices and 0 totals do not match');
  });

  it('reports a missing device and an extra device', async () => {
    const { WebC: _missing, ...rest } = BATCH.devices;
    const prefix = await writeState('missing-extra', { ...rest, Ghost: 5 }, BATCH.totals);
    const result = await verify(prefix);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^\s+WebC\s+1\s+0\s+-1$/m);
    expect(result.stdout).toMatch(/^\s+Ghost\s+0\s+5\s+\+5$/m);
    expect(lines(result.stdout).at(-1)).toBe('stream and batch differ: 2 devices and 0 totals do not match');
  });

  it('reports totals that differ', async () => {
    const prefix = await writeState('totals', BATCH.devices, { ...BATCH.totals, flows: 8, invalidLines: 0 });
    const result = await verify(prefix);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/^\s+flows\s+9\s+8$/m);
    expect(result.stdout).toMatch(/^\s+invalidLines\s+1\s+0$/m);
    expect(result.stdout).not.toMatch(/^\s+webRequests\s/m);
    expect(lines(result.stdout).at(-1)).toBe('stream and batch differ: 0 devices and 2 totals do not match');
  });

  it('prints one JSON report with --json', async () => {
    const same = await writeState('json-same', BATCH.devices, BATCH.totals);
    const agreeing = await verify(same, ['--json']);
    expect(agreeing.code, agreeing.stderr).toBe(0);
    expect(lines(agreeing.stdout)).toHaveLength(1);
    const report = JSON.parse(agreeing.stdout);
    expect(report).toMatchObject({
      identical: true,
      complete: true,
      source: 'flows.csv',
      batch: { flows: 9, webRequests: 6, invalidLines: 1, devices: 3 },
      comparison: { identical: true, devicesCompared: 3, devicesMatching: 3, devices: [], totals: [] },
    });

    const other = await writeState('json-differ', { ...BATCH.devices, WebB: 1 }, { ...BATCH.totals, webRequests: 5 });
    const differing = await verify(other, ['--json']);
    expect(differing.code, differing.stderr).toBe(1);
    const diff = JSON.parse(differing.stdout);
    expect(diff.identical).toBe(false);
    expect(diff.comparison.devices).toEqual([{ device: 'WebB', batch: 2, stream: 1, difference: -1 }]);
    expect(diff.comparison.totals).toEqual([{ total: 'webRequests', batch: 6, stream: 5 }]);
  });
  it('shows device names with terminal controls escaped in its table, and exact with --json', async () => {
    // Only in the stream: the table lists each with batch 0, and no name can fake the verdict.
    const hostile = Object.fromEntries(Object.values(HOSTILE_DEVICES).map((device) => [device, 7]));
    const prefix = await writeState('hostile', { ...BATCH.devices, ...hostile }, BATCH.totals);
    const result = await verify(prefix);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).not.toMatch(TERMINAL_CONTROL);
    const rows = lines(result.stdout).map((line) => line.trim().split(/\s{2,}/));
    for (const shown of Object.values(HOSTILE_DEVICES_SHOWN)) expect(rows).toContainEqual([shown, '0', '7', '+7']);
    expect(lines(result.stdout).filter((line) => line.startsWith('stream and batch'))).toEqual([
      'stream and batch differ: 4 devices and 0 totals do not match',
    ]);

    const json = await verify(prefix, ['--json']);
    expect(json.code, json.stderr).toBe(1);
    const devices = (JSON.parse(json.stdout) as { comparison: { devices: { device: string }[] } }).comparison.devices;
    expect(devices.map((d) => d.device).sort()).toEqual(Object.values(HOSTILE_DEVICES).sort());
  });
});

describe('flowwatch verify, failures', () => {
  it('says in one sentence that no Redis answers, exit 2', async () => {
    const result = await verify(`${names.prefix}:noredis`, [], { REDIS_URL: 'redis://127.0.0.1:1' });
    expectOneSentence(result, /^flowwatch: no Redis answers at redis:\/\/127\.0\.0\.1:1$/);
  });

  it('says in one sentence that the file does not exist, exit 2', async () => {
    const missing = join(dir, 'no-such-file.csv');
    const result = await runCli(['verify', missing], {
      FLOWWATCH_TOPIC: idleTopic,
      FLOWWATCH_KEY_PREFIX: `${names.prefix}:nofile`,
    });
    expectOneSentence(result, new RegExp(`no such file: ${missing.replaceAll('.', '\\.')}$`));
  });
});

describe('flowwatch verify, state not complete', () => {
  it('refuses to compare until the offsets are applied, and --partial says how far along it is', async () => {
    // 10 messages in the topic: 6 in partition 0, 4 in partition 1. Their content does not matter to
    // verify; only the applied offsets in Redis, against the end offsets, decide completeness.
    await ensureTopics(admin, busyTopic, { partitions: 2 });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const flows = FILE_LINES.filter((line) => /^\d+,\d+,[^,]+,[^,]+,\d+,/.test(line)).slice(0, 6);
    await producer.send({
      topic: busyTopic,
      acks: -1,
      messages: [
        ...flows.map((value) => ({ value, partition: 0 })),
        ...flows.slice(0, 4).map((value) => ({ value, partition: 1 })),
      ],
    });
    await producer.disconnect();

    // Half-way counts, and no offsets at all.
    const prefix = await writeState(
      'busy',
      { WebA: 2, WebB: 1 },
      { flows: 4, webRequests: 3, invalidLines: 0, undecodable: 0 },
    );
    const run = (args: string[] = []) => verify(prefix, args, {}, busyTopic);

    const refused = await run();
    expect(refused.code, refused.stderr).toBe(2);
    expect(nonLogLines(refused.stderr)[0]).toBe(
      `flowwatch: the state is not complete yet: 10 messages of ${busyTopic} are not applied (wait for the consumers, or use --partial) (FW_STATE_INCOMPLETE)`,
    );
    expect(refused.stderr).toMatch(new RegExp(`^\\s+${busyTopic}/0\\s+applied\\s+0 of\\s+6\\s+lag 6$`, 'm'));
    expect(refused.stderr).not.toMatch(/^\s*at /m);
    expect(refused.stdout).toBe('');

    const partial = await run(['--partial']);
    expect(partial.code, partial.stderr).toBe(1);
    expect(lines(partial.stdout)[0]).toBe('partial: the state reflects 0 of 10 messages (0.0%)');
    expect(lines(partial.stdout).at(-1)).toMatch(/^stream and batch differ: /);

    // Partition 0 applied: 6 of 10.
    await planted.offset(redis, prefix, partitionId(busyTopic, 0), 6);
    const stillRefused = await run();
    expect(stillRefused.code).toBe(2);
    expect(nonLogLines(stillRefused.stderr)[0]).toMatch(/^flowwatch: the state is not complete yet: 4 messages of /);

    const further = await run(['--partial']);
    expect(further.code, further.stderr).toBe(1);
    expect(lines(further.stdout)[0]).toBe('partial: the state reflects 6 of 10 messages (60.0%)');
    expect(further.stdout).toMatch(new RegExp(`^\\s+${busyTopic}/1\\s+applied\\s+0 of\\s+4\\s+lag 4$`, 'm'));

    const json = await run(['--partial', '--json']);
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ identical: false, complete: false });
    expect(report.progress).toContainEqual({ topic: busyTopic, partition: 0, applied: 6, end: 6, lag: 0 });
    expect(report.progress).toContainEqual({ topic: busyTopic, partition: 1, applied: 0, end: 4, lag: 4 });

    // Every partition applied, and the counts that go with it: complete and identical.
    await planted.offset(redis, prefix, partitionId(busyTopic, 1), 4);
    await writeState('busy', BATCH.devices, BATCH.totals);
    const done = await run();
    expect(done.code, done.stderr).toBe(0);
    expect(lines(done.stdout).some((line) => line.startsWith('stream and batch agree:'))).toBe(true);
  });
});
