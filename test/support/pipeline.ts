// Runs pieces of the pipeline for a test, each with the test's own topic, group and key prefix,
// and reads back the state the consumers left in Redis.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { expect } from 'vitest';
import { readAllScores, readHours, readTotals, redisKeys } from '../../common/index.ts';
import { CounterState } from '../../consumer/index.ts';
import { generateFlowText } from '../../data/flow-generator.ts';
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

export async function expectStateEqualsFile(redis: Redis, prefix: string, file: string): Promise<void> {
  const truth = groundTruth(file);
  const [scores, totals] = await Promise.all([readAllScores(redis, prefix), readTotals(redis, prefix)]);
  expect(totals.flows).toBe(truth.flows);
  expect(totals.webRequests).toBe(truth.webRequests);
  expect(totals.invalidLines).toBe(truth.invalidLines);
  expect(scores.size).toBe(truth.scores.size);
  expect(Object.fromEntries([...scores].sort())).toEqual(Object.fromEntries([...truth.scores].sort()));
  // The file is in time order within each partition, so no flow is late: every hour is exact too.
  expect(await readSortedSet(redis, redisKeys.late(prefix))).toEqual({});
  expect(await readWindows(redis, prefix)).toEqual(sortedHours(truth.hours));
}

/** A sorted set as a plain object, members sorted. */
export async function readSortedSet(redis: Redis, key: string): Promise<Record<string, number>> {
  const flat = await redis.zrange(key, '0', '-1', 'WITHSCORES');
  const entries: [string, number][] = [];
  for (let i = 0; i < flat.length; i += 2) entries.push([flat[i] as string, Number(flat[i + 1])]);
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/** Every hour's per-device counts from Redis, by hour. */
export async function readWindows(redis: Redis, prefix: string): Promise<Record<number, Record<string, number>>> {
  const windows: Record<number, Record<string, number>> = {};
  for (const hour of await readHours(redis, prefix))
    windows[hour] = await readSortedSet(redis, redisKeys.hour(prefix, hour));
  return windows;
}

export function sortedHours(hours: Map<number, Map<string, number>>): Record<number, Record<string, number>> {
  const windows: Record<number, Record<string, number>> = {};
  for (const [hour, devices] of hours) {
    windows[hour] = Object.fromEntries([...devices].sort(([a], [b]) => a.localeCompare(b)));
  }
  return windows;
}

export async function deleteState(redis: Redis, prefix: string): Promise<void> {
  await new CounterState(redis, prefix).deleteAll();
}

/**
 * Hands out names for a test file's runs and deletes their Redis state after the file: call
 * `cleanup` from afterAll.
 */
export function namedRuns(redis: Redis): { named(label: string): TestNames; cleanup(): Promise<void> } {
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
