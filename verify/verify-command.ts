// `flowwatch verify`: the batch job. Recomputes the answer from the file and compares it with Redis,
// once the state is complete (or, with --partial, reports how far along it is), in bounded memory:
// past DEVICES_IN_MEMORY devices the counts of both sides spill to a temporary folder.

import type { Config } from '../config/index.ts';
import { formatCount as n } from '../display/index.ts';
import { openFlowInput } from '../flow/index.ts';
import { connectAdmin, createKafka, TopicSet } from '../kafka/index.ts';
import { ErrorCode, ExitCode, FlowwatchError, type Logger } from '../runtime/index.ts';
import {
  connectRedis,
  createRedis,
  formatProgress,
  isCaughtUp,
  type PartitionProgress,
  type RedisClient,
  StateReader,
  stateProgress,
  writeCheck,
} from '../state/index.ts';
import { countFromInput } from './batch-count.ts';
import { compareDeviceCounts } from './bucketed-comparison.ts';
import { type Comparison, DeviceComparison, formatDifferences } from './comparison.ts';
import { DEVICES_IN_MEMORY, DeviceCounts } from './device-counts.ts';
import { spillFolder } from './spill-folder.ts';

export interface VerifyOptions {
  readonly file: string;
  readonly partial: boolean;
  readonly json: boolean;
  /** Devices with at least this many web requests are called likely web servers in the summary. */
  readonly minCount: number;
}

export interface VerifyReport {
  readonly identical: boolean;
  readonly complete: boolean;
  readonly source: string;
  readonly progress: readonly PartitionProgress[];
  /** Partitions counted without the messages Kafka had deleted (consume --accept-partial): the offset each count starts at. */
  readonly countedFrom: Readonly<Record<string, number>>;
  readonly batch: {
    flows: number;
    webRequests: number;
    invalidLines: number;
    devices: number;
    likelyWebServers: number;
  };
  readonly comparison: Comparison;
}

/** The exit code of a comparison that ran: done when stream and batch agree, "differ" otherwise. */
export function verdictExitCode(report: Pick<VerifyReport, 'identical'>): number {
  return report.identical ? ExitCode.DONE : ExitCode.DIFFER;
}

export async function runVerify(config: Config, log: Logger, options: VerifyOptions): Promise<number> {
  const report = await verify(config, log, options);
  if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${formatReport(report, options.minCount)}\n`);
  return verdictExitCode(report);
}

export async function verify(config: Config, log: Logger, options: VerifyOptions): Promise<VerifyReport> {
  const input = await openFlowInput(options.file);
  const place = spillFolder();
  const batchDevices = new DeviceCounts('sum', () => place.files('batch', 0));
  let streamDevices: DeviceCounts | undefined;
  let redis: RedisClient | undefined;
  // The file is counted from the start, while Redis is connected to and Kafka and Redis are asked how
  // far the state has got.
  const counting = countFromInput(input, batchDevices);
  counting.catch(() => undefined);
  try {
    redis = await connectRedis(createRedis(config), config);
    const state = new StateReader(redis, config.keyPrefix);
    const progress = await readProgress(config, log, state);
    const complete = isCaughtUp(progress);
    if (!complete && !options.partial) {
      const behind = progress.reduce((sum, p) => sum + p.lag, 0);
      throw new FlowwatchError(
        ErrorCode.STATE_INCOMPLETE,
        `the state is not complete yet: ${n(behind)} messages of ${config.topic} are not applied (wait for the consumers, or use --partial)\n${formatProgress(progress)}`,
      );
    }
    const [batch, totals, partial] = await Promise.all([counting, state.totals(), state.partialStarts()]);
    // Read after the file, so the two sides do not hold their Maps at once; when the file's counts
    // spilled, the scores (one per device) go straight to files too.
    const streamLimit = batchDevices.inMemory === undefined ? 0 : DEVICES_IN_MEMORY;
    const scores = new DeviceCounts('last', () => place.files('stream', 0), streamLimit);
    streamDevices = scores;
    await state.eachScore((device, score) => scores.add(device, score));
    const devices = new DeviceComparison(options.minCount);
    await compareDeviceCounts(batchDevices, scores, devices, place);
    const comparison = devices.result(batch, totals);
    // The verdict stays beside the state, for the dashboard and for people.
    await writeCheck(redis, config.keyPrefix, {
      at: new Date().toISOString(),
      identical: comparison.identical,
      complete,
      devices: devices.batchDevices,
      webRequests: batch.webRequests,
      flows: batch.flows,
      devicesDiffering: comparison.devicesDiffering,
      differences: comparison.devices,
      totalsDiffering: comparison.totals,
    });
    return {
      identical: comparison.identical,
      complete,
      source: input.source,
      progress,
      countedFrom: Object.fromEntries(partial),
      batch: {
        flows: batch.flows,
        webRequests: batch.webRequests,
        invalidLines: batch.invalidLines,
        devices: devices.batchDevices,
        likelyWebServers: devices.batchDevicesAtMinCount,
      },
      comparison,
    };
  } catch (error) {
    // Stop the count and let it settle first: a count still running would spill into a removed folder.
    await input.close();
    await counting.catch(() => undefined);
    throw error;
  } finally {
    batchDevices.close();
    streamDevices?.close();
    redis?.disconnect();
    place.remove();
  }
}

async function readProgress(config: Config, log: Logger, state: StateReader): Promise<PartitionProgress[]> {
  const admin = await connectAdmin(createKafka(config, log, 'flowwatch-verify', 'quick'), config);
  try {
    const progress = await stateProgress(admin, state, new TopicSet(config.topic).names);
    // No partitions would make any state look complete: a mistyped topic must not pass for one.
    if (!progress.some((p) => p.topic === config.topic)) {
      throw new FlowwatchError(
        ErrorCode.KAFKA_TOPIC_MISSING,
        `topic ${config.topic} does not exist: nothing was streamed to compare with (check FLOWWATCH_TOPIC)`,
      );
    }
    return progress;
  } finally {
    await admin.disconnect();
  }
}

export function formatReport(report: VerifyReport, minCount: number): string {
  const { batch, comparison } = report;
  const lines: string[] = [];
  if (!report.complete) {
    const applied = report.progress.reduce((sum, p) => sum + p.applied, 0);
    const end = report.progress.reduce((sum, p) => sum + p.end, 0);
    lines.push(
      `partial: the state reflects ${n(applied)} of ${n(end)} messages (${end > 0 ? ((100 * applied) / end).toFixed(1) : '100'}%)`,
    );
    lines.push(formatProgress(report.progress));
  }
  for (const [id, from] of Object.entries(report.countedFrom))
    lines.push(
      `partial count: ${id} is counted from offset ${from} only (Kafka had deleted the messages before it; consume --accept-partial)`,
    );
  lines.push(
    `compared ${n(comparison.devicesCompared)} devices from ${report.source}: ${n(comparison.devicesMatching)} match; batch has ${n(batch.flows)} flows, ${n(batch.webRequests)} port-80 flows, ${n(batch.invalidLines)} invalid lines`,
  );
  if (report.identical) {
    lines.push(
      `stream and batch agree: ${n(batch.devices)} web servers (${n(batch.likelyWebServers)} with at least ${n(minCount)} requests), ${n(batch.webRequests)} port-80 flows`,
    );
  } else {
    lines.push(formatDifferences(comparison));
    lines.push(
      `stream and batch differ: ${n(comparison.devicesDiffering)} devices and ${n(comparison.totals.length)} totals do not match`,
    );
  }
  return lines.join('\n');
}
