// A state that lost its positions: on a quiet topic the same group notices at once and counts again;
// on a topic whose first messages Kafka deleted, counting again would give a partial answer, so the
// member refuses in one sentence unless --accept-partial, which counts what is left and marks the
// state partial for top and verify to say.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { connectAdmin, createKafka, ensureTopics } from '../../kafka/index.ts';
import { createLogger } from '../../runtime/index.ts';
import { createRedis, partitionId, StateReader } from '../../state/index.ts';
import { explain, runCli, spawnCli } from '../support/cli.ts';
import { dashboardSnapshotWhere } from '../support/dashboard-events.ts';
import {
  consumeToEnd,
  deleteState,
  expectStateEqualsFile,
  generatedFile,
  namedRuns,
  pipelineEnv,
  produce,
  startConsumer,
} from '../support/pipeline.ts';
import type { TestNames } from '../support/test-names.ts';
import { fileLines, topicLines } from '../support/topic-lines.ts';
import { waitFor, within } from '../support/wait-for.ts';

const config = loadConfig(process.env);
const redis = createRedis(config);
const runs = namedRuns(redis);
const kafka = createKafka(config, createLogger('silent'), 'flowwatch-test-lost-positions');

afterAll(async () => {
  await runs.cleanup();
  redis.disconnect();
});

/** Runs `consume --exit-when-caught-up`, bounded: a member that waits for ever fails the test. */
async function catchUp(names: TestNames, args: string[] = [], env: Record<string, string> = {}) {
  const member = startConsumer(names, ['--exit-when-caught-up', ...args], env);
  return within(member.done, 60_000, 'the member to end').catch((error: Error) => {
    member.child.kill('SIGKILL');
    throw new Error(`${error.message}\n${member.output().stderr.slice(-2000)}`);
  });
}

/** A two-partition topic holding `file`, counted once, whose partition 0 then loses its first messages. */
async function truncatedTopic(names: TestNames, file: string): Promise<number> {
  const admin = await connectAdmin(kafka, config);
  try {
    await ensureTopics(admin, names.topic, { partitions: 2 });
    await produce(names, file);
    await consumeToEnd(names);
    const [end] = (await admin.fetchTopicOffsets(names.topic)).filter((p) => p.partition === 0);
    const cut = Math.min(5000, Math.floor(Number(end?.high) / 2));
    expect(cut).toBeGreaterThan(0);
    await admin.deleteTopicRecords({ topic: names.topic, partitions: [{ partition: 0, offset: String(cut) }] });
    return cut;
  } finally {
    await admin.disconnect();
  }
}

/** The lines of `file` that are still counted: those the flow topic retains, and every invalid line. */
async function retainedFile(names: TestNames, file: string): Promise<string> {
  const kept = new Set(
    (await topicLines(config.kafkaBrokers.join(','), names.topic, `${names.group}-reader`)).map((m) => m.line),
  );
  for (const line of fileLines(file).invalid) kept.add(line);
  const lines = readFileSync(file, 'utf8').split('\n');
  const path = `${file}.retained`;
  writeFileSync(path, `${lines.filter((_, index) => kept.has(index + 1)).join('\n')}\n`);
  return path;
}

describe('a state that lost its positions', () => {
  it("is noticed on a quiet topic: the same group's --exit-when-caught-up counts again and ends exact", async () => {
    const names = runs.named('quiet');
    const file = generatedFile(20_000, 41);
    await produce(names, file);
    await consumeToEnd(names);
    await deleteState(redis, names.prefix);
    const again = await catchUp(names);
    expect(again.code, again.stderr).toBe(0);
    await expectStateEqualsFile(redis, names.prefix, file);
  });

  it('is refused in one sentence, for the same group and a new one, when the topic no longer starts at 0', async () => {
    const names = runs.named('truncated');
    const file = generatedFile(20_000, 43);
    const cut = await truncatedTopic(names, file);
    for (const group of [names.group, `${names.group}-new`]) {
      // Lost each time: a refused member has recorded its group, which a new group must not meet.
      await deleteState(redis, names.prefix);
      const refused = await catchUp(names, [], { FLOWWATCH_GROUP: group });
      expect(refused.code, refused.stderr).toBe(2);
      const sentences = refused.stderr.split('\n').filter((line) => line.includes('FW_STATE_PARTIAL'));
      expect(sentences, refused.stderr).toHaveLength(1);
      expect(refused.stderr, 'no stack trace in the log').not.toContain('"stack"');
      expect(sentences[0]).toContain(`${names.topic}/0`);
      expect(sentences[0]).toContain(String(cut));
      expect(sentences[0]).toContain('--accept-partial');
      // Partition 1 may be counted meanwhile (whole, from 0); partition 0 is not counted at all.
      const state = new StateReader(redis, names.prefix);
      expect((await state.appliedOffsets()).has(partitionId(names.topic, 0))).toBe(false);
      expect(await state.partialStarts()).toEqual(new Map());
    }
  });

  it('with --accept-partial counts what Kafka holds exactly, marks the state partial, and top and verify say so', async () => {
    const names = runs.named('partial');
    const file = generatedFile(20_000, 47);
    const cut = await truncatedTopic(names, file);
    await deleteState(redis, names.prefix);
    const counted = await catchUp(names, ['--accept-partial']);
    expect(counted.code, counted.stderr).toBe(0);
    const state = new StateReader(redis, names.prefix);
    expect(await state.partialStarts()).toEqual(new Map([[partitionId(names.topic, 0), cut]]));
    await expectStateEqualsFile(redis, names.prefix, await retainedFile(names, file));

    const top = await runCli(['top'], pipelineEnv(names));
    expect(top.code, top.stderr).toBe(0);
    expect(top.stderr).toMatch(new RegExp(`partial.*${names.topic}/0.*${cut}`));
    const verified = await runCli(['verify', file], pipelineEnv(names));
    expect(verified.code, verified.stderr).toBe(1);
    expect(verified.stdout).toMatch(new RegExp(`partial.*${names.topic}/0.*${cut}`));
    const dashboard = spawnCli(['dashboard', '--port', '0', '--interval-ms', '200'], pipelineEnv(names));
    try {
      const url = await waitFor(
        () => /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(dashboard.output().stdout)?.[1],
        { timeoutMs: 30_000, what: 'the dashboard address' },
      ).catch(explain([dashboard]));
      const snapshot = await dashboardSnapshotWhere(url, (s) => s.totals !== null, 30_000);
      expect(snapshot.countedFrom).toEqual({ [partitionId(names.topic, 0)]: cut });
    } finally {
      dashboard.child.kill('SIGTERM');
      await dashboard.done;
    }
  });
});
