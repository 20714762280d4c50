// Runs pieces of the pipeline for a test, each with the test's own topic, group and key prefix,
// and reads back the state the consumers left in Redis.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { generateFlowText } from '../../data/flow-generator.ts';
import type { RedisClient } from '../../state/index.ts';
import { resetState, StateReader } from '../../state/index.ts';
import { type CliResult, type RunningCli, runCli, spawnCli } from './cli.ts';
import { groundTruth } from './ground-truth.ts';
import { type TestNames, testNames } from './test-names.ts';
import { within } from './wait-for.ts';

export function pipelineEnv(names: TestNames, extra: Record<string, string> = {}): Record<string, string> {
  return {
    FLOWWATCH_TOPIC: names.topic,
    FLOWWATCH_GROUP: names.group,
    FLOWWATCH_KEY_PREFIX: names.prefix,
    ...extra,
  };
}

/** Writes a generated flow file of `lines` lines to a temp folder. */
export function generatedFile(lines: number, seed = 7): string {
  const path = join(mkdtempSync(join(tmpdir(), 'flowwatch-test-')), `flows-${lines}.csv`);
  writeFileSync(path, [...generateFlowText({ lines, seed })].join(''));
  return path;
}

export async function produce(
  names: TestNames,
  file: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<CliResult> {
  const result = await runCli(['produce', file, '--json', '--no-progress', ...args], pipelineEnv(names, env));
  expect(result.code, result.stderr).toBe(0);
  return result;
}

export function startConsumer(names: TestNames, args: string[] = [], env: Record<string, string> = {}): RunningCli {
  return spawnCli(
    ['consume', '--status-interval-ms', '0', '--session-timeout-ms', '6000', ...args],
    pipelineEnv(names, env),
  );
}

/** Runs a member until every partition is applied, and expects it to say so with exit 0. */
export async function consumeToEnd(names: TestNames, env: Record<string, string> = {}): Promise<CliResult> {
  const member = startConsumer(names, ['--exit-when-caught-up'], env);
  const result = await within(member.done, 120_000, 'a member to catch up').catch((error: Error) => {
    member.child.kill('SIGKILL');
    throw new Error(`${error.message}\n${member.output().stderr.slice(-3000)}`);
  });
  expect(result.code, result.stderr).toBe(0);
  return result;
}

export async function expectStateEqualsFile(redis: RedisClient, prefix: string, file: string): Promise<void> {
  const truth = groundTruth(file);
  const state = new StateReader(redis, prefix);
  const [scores, totals] = await Promise.all([state.allScores(), state.totals()]);
  expect(totals.flows).toBe(truth.flows);
  expect(totals.webRequests).toBe(truth.webRequests);
  expect(totals.invalidLines).toBe(truth.invalidLines);
  expect(scores.size).toBe(truth.scores.size);
  expect(sortedScores(scores)).toEqual(sortedScores(truth.scores));
  // The file is in time order within each partition, so no flow is late: every hour is exact too.
  expect(sortedScores(await state.lateScores())).toEqual({});
  expect(await readWindows(redis, prefix)).toEqual(sortedHours(truth.hours));
}

/** Scores as a plain object, devices sorted. */
export function sortedScores(scores: ReadonlyMap<string, number>): Record<string, number> {
  return Object.fromEntries([...scores].sort(([a], [b]) => a.localeCompare(b)));
}

/** Every hour's per-device counts from Redis, by hour. */
export async function readWindows(redis: RedisClient, prefix: string): Promise<Record<number, Record<string, number>>> {
  const state = new StateReader(redis, prefix);
  const windows: Record<number, Record<string, number>> = {};
  for (const hour of await state.hours()) windows[hour] = sortedScores(await state.hourScores(hour));
  return windows;
}

export function sortedHours(hours: Map<number, Map<string, number>>): Record<number, Record<string, number>> {
  const windows: Record<number, Record<string, number>> = {};
  for (const [hour, devices] of hours) windows[hour] = sortedScores(devices);
  return windows;
}

export async function deleteState(redis: RedisClient, prefix: string): Promise<void> {
  await resetState(redis, prefix);
}

/**
 * Hands out names for a test file's runs and deletes their Redis state after the file: call
 * `cleanup` from afterAll.
 */
export function namedRuns(redis: RedisClient): { named(label: string): TestNames; cleanup(): Promise<void> } {
  const used: TestNames[] = [];
  return {
    named: (label) => {
      const names = testNames(label);
      used.push(names);
      return names;
    },
    cleanup: async () => {
      for (const names of used) await deleteState(redis, names.prefix);
    },
  };
}
