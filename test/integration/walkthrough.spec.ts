// `npm start` as a newcomer runs it: a child process that streams a file end to end and ends with
// the batch check's verdict.
import { execFileSync, spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { connectAdmin, createKafka } from '../../kafka/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import { createLogger } from '../../runtime/index.ts';
import { createRedis, StateReader } from '../../state/index.ts';
import { ROOT } from '../support/cli.ts';
import { consumeToEnd, generatedFile, namedRuns, pipelineEnv, produce } from '../support/pipeline.ts';
import { planted } from '../support/planted-state.ts';
import { freePort } from '../support/redis-server.ts';
import type { TestNames } from '../support/test-names.ts';
import { waitFor } from '../support/wait-for.ts';

const config = loadConfig(process.env);
const redis = createRedis(config);
const runs = namedRuns(redis);
const admin = await connectAdmin(createKafka(config, createLogger('silent'), 'walkthrough-test'), config);
const KAFKA_SCRIPT = fileURLToPath(new URL('../../infra/kafka.sh', import.meta.url));
/** A broker the first-run test has `npm start` start itself, on ports of its own. */
let ownBroker: Record<string, string> | undefined;

afterAll(async () => {
  if (ownBroker !== undefined) {
    execFileSync(KAFKA_SCRIPT, ['stop'], { env: { ...process.env, ...ownBroker }, stdio: 'ignore' });
    rmSync(`${ROOT}.flowwatch/kafka-${ownBroker.KAFKA_PORT}`, { recursive: true, force: true });
  }
  for (const topic of logFolders) rmSync(`${ROOT}.flowwatch/walkthrough-${topic}`, { recursive: true, force: true });
  await runs.cleanup();
  await admin.disconnect();
  redis.disconnect();
});

/** The topics whose runs left a log folder in the run directory. */
const logFolders = new Set<string>();

function npmStart(names: TestNames, args: string[], env: Record<string, string> = { LOG_LEVEL: 'warn' }) {
  logFolders.add(names.topic);
  const child = spawn('npm', ['start', '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...pipelineEnv(names), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

/** What a run left under its names: the topics' offsets, the group's committed offsets, the counted flows. */
async function heldUnder(names: TestNames) {
  const topics = new Set(await admin.listTopics());
  const offsets = async (topic: string) => (topics.has(topic) ? await admin.fetchTopicOffsets(topic) : undefined);
  return {
    topic: await offsets(names.topic),
    deadLetters: await offsets(deadLetterTopic(names.topic)),
    group: await admin.fetchOffsets({ groupId: names.group, topics: [names.topic] }).catch(() => undefined),
    flows: (await new StateReader(redis, names.prefix).totals()).flows,
  };
}

/** Lines that are a log entry (a JSON object with a level), not a sentence of the walkthrough. */
function logLines(output: string): string[] {
  return output.split('\n').filter((line) => /^\s*\{.*"level"\s*:/.test(line));
}

describe('npm start', () => {
  it('streams a file through two consumers and ends with the agreement line, again and again', async () => {
    const names = runs.named('start');
    const file = generatedFile(30_000, 21);
    for (let run = 1; run <= 2; run++) {
      // The second run finds the topic, group and keys the first one made: it reuses them, no --reset needed.
      const result = await npmStart(names, [file, '--rate', '20000']).done;
      expect(result.code, result.stderr + result.stdout).toBe(0);
      expect(result.stdout).toMatch(/^stream and batch agree: [\d,]+ web servers .*, [\d,]+ port-80 flows$/m);
      expect(result.stdout).toMatch(/fresh run: topic/);
      expect(result.stdout).toMatch(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m);
    }
    expect((await new StateReader(redis, names.prefix).totals()).flows).toBe(30_000);
  });

  it('prints no error and no stack trace on a first run that starts its own broker', async () => {
    const port = await freePort();
    ownBroker = { KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(await freePort()) };
    const names = runs.named('first');
    // The default log level, as a newcomer runs it; the broker is brand new, formatted by this run.
    const result = await npmStart(names, ['--rate', '50000'], {
      ...ownBroker,
      KAFKA_BROKERS: `127.0.0.1:${port}`,
      LOG_LEVEL: '',
    }).done;
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.code, output).toBe(0);
    expect(result.stdout).toMatch(/^no Kafka or Redis answers: starting the local ones/m);
    expect(result.stdout).toMatch(/^stream and batch agree/m);
    const errorLines = output
      .split('\n')
      .filter((line) => /"level":(50|60)\b|\bERROR\b|^\s+at .+:\d+:\d+\)?$|^\w*Error: /.test(line));
    expect(errorLines).toEqual([]);
  });

  it('refuses a topic, group and keys holding data it did not make, and deletes them only with --reset, saying so first', async () => {
    const names = runs.named('theirs');
    // Someone else's run under these names: 8,000 flows published and counted, offsets committed.
    await produce(names, generatedFile(8_000, 23));
    await consumeToEnd(names);
    const theirs = await heldUnder(names);
    expect(theirs.flows).toBe(8_000);
    const file = generatedFile(20_000, 24);

    const refused = await npmStart(names, [file, '--rate', '20000']).done;
    expect(refused.code, refused.stderr + refused.stdout).toBe(2);
    const sentence = refused.stderr.trim();
    expect(sentence.split('\n')).toHaveLength(1);
    expect(sentence).toMatch(
      new RegExp(
        `^flowwatch: topic ${names.topic} holds 8,000 messages.*group ${names.group}.*Redis keys ${names.prefix}:\\* hold 8,000 counted flows.*did not make.*--reset.*\\(FW_NAMES_IN_USE\\)$`,
      ),
    );
    expect(await heldUnder(names)).toEqual(theirs);

    const reset = await npmStart(names, [file, '--reset', '--rate', '20000']).done;
    expect(reset.code, reset.stderr + reset.stdout).toBe(0);
    const deleting = reset.stdout.split('\n').filter((line) => line.startsWith('--reset: '));
    expect(deleting).toEqual([
      `--reset: deleting topic ${names.topic} (8,000 messages), the offsets of group ${names.group} and the Redis keys ${names.prefix}:* (8,000 counted flows)`,
    ]);
    expect(reset.stdout.indexOf(deleting[0] as string)).toBeLessThan(reset.stdout.indexOf('streaming '));
    expect(reset.stdout).toMatch(/^stream and batch agree/m);
    expect((await new StateReader(redis, names.prefix).totals()).flows).toBe(20_000);

    // Now the walkthrough made them: the next run needs no --reset.
    const again = await npmStart(names, [file, '--rate', '20000']).done;
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect((await new StateReader(redis, names.prefix).totals()).flows).toBe(20_000);
  });

  it('refuses, without --reset, state a later consume of another topic counted under its prefix', async () => {
    const names = runs.named('later');
    const file = generatedFile(5_000, 25);
    const made = await npmStart(names, [file, '--rate', '20000']).done;
    expect(made.code, made.stderr + made.stdout).toBe(0);
    // Someone then counts another topic into the same keys, with the same group.
    const other = { ...names, topic: runs.named('later-other').topic };
    await produce(other, generatedFile(3_000, 26));
    await consumeToEnd(other);
    expect((await new StateReader(redis, names.prefix).totals()).flows).toBe(8_000);

    const refused = await npmStart(names, [file, '--rate', '20000']).done;
    expect(refused.code, refused.stderr + refused.stdout).toBe(2);
    expect(refused.stderr.trim()).toMatch(
      new RegExp(
        `^flowwatch: Redis keys ${names.prefix}:\\* hold 8,000 counted flows.*did not make.*\\(FW_NAMES_IN_USE\\)$`,
      ),
    );
    expect((await new StateReader(redis, names.prefix).totals()).flows).toBe(8_000);
  });

  it('shows no raw log line at the default log level while a fresh group forms', async () => {
    const names = runs.named('quiet');
    const result = await npmStart(names, [generatedFile(20_000, 25), '--rate', '20000'], { LOG_LEVEL: '' }).done;
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toMatch(/^stream and batch agree/m);
    expect(logLines(result.stdout)).toEqual([]);
    expect(logLines(result.stderr)).toEqual([]);
    // The logs are kept, in the folder it names.
    const folder = /^logs: (.+)\/$/m.exec(result.stdout)?.[1];
    expect(folder).toBe(`.flowwatch/walkthrough-${names.topic}`);
    expect(readdirSync(`${ROOT}${folder}`).sort()).toEqual([
      'consumer-1.log',
      'consumer-2.log',
      'producer.log',
      'walkthrough.log',
    ]);
  });

  it('ends with exit 1 and the difference when the state is tampered with mid-run', async () => {
    const names = runs.named('tamper');
    const file = generatedFile(60_000, 22);
    const run = npmStart(names, [file, '--rate', '15000']);
    await waitFor(async () => (await new StateReader(redis, names.prefix).totals()).flows > 5000, {
      timeoutMs: 60_000,
      what: 'progress',
    });
    await planted.addToScore(redis, names.prefix, 'Tampered', 5);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/Tampered\s+0\s+5\s+\+5/);
    expect(result.stdout).toMatch(/^stream and batch differ/m);
  });
});
