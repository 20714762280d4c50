// flowwatch's own stages, each run as real processes on a fresh topic, group and key prefix, timed
// by the processes' instrumentation events (never by their log text).
import { randomUUID } from 'node:crypto';
import { type ConsumerEventMap, ConsumerEvents } from '../consumer/index.ts';
import { perSecond } from '../display/index.ts';
import { ProducerEvents, type ProduceSummary } from '../producer/index.ts';
import { type InstrumentationEvent, spawnFlowwatch, waitUntil } from '../runtime/index.ts';
import type { StateReader } from '../state/index.ts';
import { type Probe, probeChild } from './process-probe.ts';

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

interface FlowwatchRun extends Probe {
  /** Every event it emitted so far. */
  readonly events: InstrumentationEvent[];
}

const flowwatch = (run: Run, args: string[], env: Record<string, string> = {}): FlowwatchRun => {
  const events: InstrumentationEvent[] = [];
  const child = spawnFlowwatch(args, {
    parentEnv: process.env,
    env: {
      FLOWWATCH_TOPIC: run.topic,
      FLOWWATCH_GROUP: run.group,
      FLOWWATCH_KEY_PREFIX: run.prefix,
      LOG_LEVEL: 'info',
      ...env,
    },
    onEvent: (event) => events.push(event),
  });
  return { ...probeChild(child), events };
};

function expectSuccess(name: string, result: { code: number | null; stderr: string }): void {
  if (result.code !== 0) throw new Error(`${name} exited ${result.code}: ${result.stderr.slice(-800)}`);
}

const timesOf = (events: readonly InstrumentationEvent[], type: string) =>
  events.filter((event) => event.type === type).map((event) => event.timestamp);

/** File → Kafka at full speed; flows/s as the producer's summary counts it (after connecting). */
export async function produceStage(run: Run, file: string, extra: string[] = []): Promise<StageResult> {
  const producer = flowwatch(run, ['produce', file, '--json', '--no-progress', ...extra]);
  const result = await producer.done;
  expectSuccess('produce', result);
  const summary = producer.events.find((event) => event.type === ProducerEvents.STOPPED)?.payload as ProduceSummary;
  return { flowsPerSecond: summary.flowsPerSecond, peakRssMb: result.peakRssMb };
}

/**
 * Kafka → Redis through the exactly-once path for a topic already full: `members` consumers with
 * --exit-when-caught-up, timed from the first partition claim to the last "caught up".
 */
export async function consumeStage(
  run: Run,
  flows: number,
  members: number,
  env: Record<string, string> = {},
): Promise<StageResult> {
  const consumers = Array.from({ length: members }, () =>
    flowwatch(run, ['consume', '--exit-when-caught-up', '--status-interval-ms', '0'], env),
  );
  const results = await Promise.all(consumers.map((c) => c.done));
  for (const [i, result] of results.entries()) expectSuccess(`consumer ${i + 1}`, result);
  const events = consumers.flatMap((c) => c.events);
  const elapsedMs =
    Math.max(...timesOf(events, ConsumerEvents.CAUGHT_UP)) -
    Math.min(...timesOf(events, ConsumerEvents.PARTITIONS_CLAIMED));
  return { flowsPerSecond: perSecond(flows, elapsedMs), peakRssMb: Math.max(...results.map((r) => r.peakRssMb)) };
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
  state: StateReader,
  file: string,
  flows: number,
  rate?: number,
): Promise<EndToEndResult> {
  const consumers = [0, 1].map(() => flowwatch(run, ['consume', '--status-interval-ms', '0']));
  try {
    await waitUntil(
      () => consumers.every((c) => c.events.some((event) => event.type === ConsumerEvents.PARTITIONS_CLAIMED)),
      { timeoutMs: 60_000, what: 'the consumers to join' },
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
    await waitUntil(async () => (await state.totals()).flows >= flows, {
      timeoutMs: 30 * 60_000,
      intervalMs: 20,
      what: 'every flow to be counted',
    });
    const elapsedMs = performance.now() - started;
    const produced = await producer.done;
    expectSuccess('produce', produced);
    for (const consumer of consumers) consumer.kill('SIGTERM');
    const results = await Promise.all(consumers.map((c) => c.done));
    const latencies = consumers
      .flatMap((c) => c.events)
      .filter((event) => event.type === ConsumerEvents.STOPPED)
      .map((event) => (event.payload as ConsumerEventMap[typeof ConsumerEvents.STOPPED]).latency);
    const counted = latencies.reduce((sum, l) => sum + l.count, 0);
    return {
      flowsPerSecond: perSecond(flows, elapsedMs),
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
  return { flowsPerSecond: perSecond(lines, result.seconds * 1000), peakRssMb: result.peakRssMb };
}
