// flowwatch's own stages, each run as real processes on a fresh topic, group and key prefix.
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Redis } from 'ioredis';
import { NODE_MEMORY_FLAGS, readTotals } from '../common/index.ts';
import { logLines, type Probe, probe } from './process-probe.ts';

const BIN = fileURLToPath(new URL('../bin/flowwatch.js', import.meta.url));
const POLL_MS = 20;

export interface StageResult {
  readonly flowsPerSecond: number;
  readonly peakRssMb: number;
}

export interface Run {
  readonly topic: string;
  readonly group: string;
  readonly prefix: string;
}

export function freshRun(label: string): Run {
  const id = randomUUID().slice(0, 8);
  return { topic: `bench-${label}-${id}`, group: `bench-${label}-${id}`, prefix: `fwbench:${label}:${id}` };
}

const env = (run: Run) => ({
  FLOWWATCH_TOPIC: run.topic,
  FLOWWATCH_GROUP: run.group,
  FLOWWATCH_KEY_PREFIX: run.prefix,
  LOG_LEVEL: 'info',
});

const flowwatch = (run: Run, args: string[]): Probe =>
  probe(process.execPath, [...NODE_MEMORY_FLAGS, BIN, ...args], env(run));

function expectSuccess(name: string, result: { code: number | null; stderr: string }): void {
  if (result.code !== 0) throw new Error(`${name} exited ${result.code}: ${result.stderr.slice(-800)}`);
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** File → Kafka at full speed; flows/s as the producer's summary counts it (after connecting). */
export async function produceStage(run: Run, file: string, extra: string[] = []): Promise<StageResult> {
  const result = await flowwatch(run, ['produce', file, '--json', '--no-progress', ...extra]).done;
  expectSuccess('produce', result);
  const summary = JSON.parse(result.stdout.trim().split('\n').pop() as string) as { flowsPerSecond: number };
  return { flowsPerSecond: summary.flowsPerSecond, peakRssMb: result.peakRssMb };
}

/**
 * Kafka → Redis through the exactly-once path for a topic already full: `members` consumers with
 * --exit-when-caught-up, timed from the first partition claim to the last "caught up".
 */
export async function consumeStage(run: Run, flows: number, members: number): Promise<StageResult> {
  const probes = Array.from({ length: members }, () =>
    flowwatch(run, ['consume', '--exit-when-caught-up', '--status-interval-ms', '0']),
  );
  const results = await Promise.all(probes.map((p) => p.done));
  for (const [i, result] of results.entries()) expectSuccess(`consumer ${i + 1}`, result);
  const lines = results.flatMap((result) => logLines(result.stderr));
  const times = (msg: string) => lines.filter((line) => line.msg === msg).map((line) => Number(line.time));
  const seconds =
    (Math.max(...times('caught up: every partition is applied up to its end')) -
      Math.min(...times('partitions claimed'))) /
    1000;
  return { flowsPerSecond: flows / seconds, peakRssMb: Math.max(...results.map((r) => r.peakRssMb)) };
}

export interface EndToEndResult extends StageResult {
  readonly latency: { p50Ms: number; p99Ms: number };
}

/**
 * Producer and two consumers together: from the producer's start to the last count applied in
 * Redis. With `rate`, the producer is paced and the consumers' event latency is what matters.
 */
export async function endToEndStage(
  run: Run,
  redis: Redis,
  file: string,
  flows: number,
  rate?: number,
): Promise<EndToEndResult> {
  const consumers = [0, 1].map(() => flowwatch(run, ['consume', '--status-interval-ms', '0']));
  try {
    await until(
      async () => consumers.every((c) => c.stderrSoFar().includes('partitions claimed')),
      'the consumers to join',
      60_000,
    );
    // Both members joined: wait for the group to settle, so the run does not time a rebalance.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const started = performance.now();
    const producer = flowwatch(run, [
      'produce',
      file,
      '--json',
      '--no-progress',
      ...(rate === undefined ? [] : ['--rate', String(Math.round(rate))]),
    ]);
    await until(async () => (await readTotals(redis, run.prefix)).flows >= flows, 'every flow to be counted');
    const seconds = (performance.now() - started) / 1000;
    const produced = await producer.done;
    expectSuccess('produce', produced);
    for (const consumer of consumers) consumer.kill('SIGTERM');
    const results = await Promise.all(consumers.map((c) => c.done));
    const latencies = results
      .flatMap((result) => logLines(result.stderr))
      .filter((line) => line.msg === 'consumer stopped')
      .map((line) => line.latency as { count: number; p50Ms: number; p99Ms: number });
    const counted = latencies.reduce((sum, l) => sum + l.count, 0);
    return {
      flowsPerSecond: flows / seconds,
      peakRssMb: Math.max(produced.peakRssMb, ...results.map((r) => r.peakRssMb)),
      latency: {
        // Members hold similar shares: weight the medians, take the worse tail.
        p50Ms: counted === 0 ? 0 : latencies.reduce((sum, l) => sum + l.p50Ms * l.count, 0) / counted,
        p99Ms: Math.max(0, ...latencies.map((l) => l.p99Ms)),
      },
    };
  } finally {
    for (const consumer of consumers) consumer.kill('SIGKILL');
  }
}

/** `flowwatch verify` over a complete state, timed as a command (start-up and Redis reads included). */
export async function verifyStage(run: Run, file: string, lines: number): Promise<StageResult> {
  const result = await flowwatch(run, ['verify', file, '--json']).done;
  expectSuccess('verify', result);
  return { flowsPerSecond: lines / result.seconds, peakRssMb: result.peakRssMb };
}
