// `flowwatch verify`: the batch job. Recomputes the answer from the file and compares it with Redis,
// once the state is complete (or, with --partial, reports how far along it is).

import {
  type Config,
  connectAdmin,
  connectRedis,
  createKafka,
  createRedis,
  deadLetterTopic,
  ErrorCode,
  FlowwatchError,
  type Logger,
  formatCount as n,
} from '../common/index.ts';
import { openFlowInput } from '../flow/index.ts';
import {
  formatProgress,
  isCaughtUp,
  type PartitionProgress,
  StateReader,
  stateProgress,
  writeCheck,
} from '../state/index.ts';
import { countFromInput } from './batch-count.ts';
import { type Comparison, compare, formatDifferences } from './comparison.ts';

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

export const VerifyExit = { identical: 0, different: 1 } as const;

export async function runVerify(config: Config, log: Logger, options: VerifyOptions): Promise<number> {
  const report = await verify(config, log, options);
  if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${formatReport(report, options.minCount)}\n`);
  return report.identical ? VerifyExit.identical : VerifyExit.different;
}

export async function verify(config: Config, log: Logger, options: VerifyOptions): Promise<VerifyReport> {
  const input = await openFlowInput(options.file);
  const redis = await connectRedis(createRedis(config), config);
  try {
    // The file is counted while Kafka and Redis are asked how far the state has got.
    const counting = countFromInput(input);
    counting.catch(() => undefined);
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
    const [batch, scores, totals, partial] = await Promise.all([
      counting,
      state.allScores(),
      state.totals(),
      state.partialStarts(),
    ]);
    const comparison = compare(batch, scores, totals);
    // The verdict stays beside the state, for the dashboard and for people.
    await writeCheck(redis, config.keyPrefix, {
      at: new Date().toISOString(),
      identical: comparison.identical,
      complete,
      devices: batch.devices.size,
      webRequests: batch.webRequests,
      flows: batch.flows,
      devicesDiffering: comparison.devices.length,
      differences: comparison.devices,
      totalsDiffering: comparison.totals,
    });
    let likelyWebServers = 0;
    for (const count of batch.devices.values()) if (count >= options.minCount) likelyWebServers++;
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
        devices: batch.devices.size,
        likelyWebServers,
      },
      comparison,
    };
  } finally {
    redis.disconnect();
  }
}

async function readProgress(config: Config, log: Logger, state: StateReader): Promise<PartitionProgress[]> {
  const admin = await connectAdmin(createKafka(config, log, 'flowwatch-verify', 'quick'), config);
  try {
    const progress = await stateProgress(admin, state, [config.topic, deadLetterTopic(config.topic)]);
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
      `stream and batch differ: ${n(comparison.devices.length)} devices and ${n(comparison.totals.length)} totals do not match`,
    );
  }
  return lines.join('\n');
}
