// `flowwatch consume`.
import type { Command } from 'commander';
// The inner file: the consumer's face loads the whole consumer, which the action loads only when it runs.
import { DEFAULT_MAX_EVENT_TIME_SECONDS } from '../consumer/batch-tally.ts';
import { ExitCode } from '../runtime/index.ts';
import { DEFAULT_LATENESS_SECONDS } from '../state/index.ts';
import type { CommandOutcome } from './command-outcome.ts';
import {
  commandSetup,
  integer,
  type MetricsFlags,
  metricsServer,
  milliseconds,
  withMetricsOptions,
} from './options.ts';

const DEFAULT_SESSION_TIMEOUT_MS = 10_000;
const DEFAULT_CONCURRENCY = 4;
const DEFAULT_STATUS_INTERVAL_MS = 3000;
const DEFAULT_STATUS_ROWS = 10;

interface ConsumeFlags extends MetricsFlags {
  readonly exitWhenCaughtUp?: boolean;
  readonly acceptPartial?: boolean;
  readonly sessionTimeoutMs: number;
  readonly concurrency: number;
  readonly allowedLateness: number;
  readonly maxEventTime: number;
  readonly statusIntervalMs: number;
  readonly top: number;
}

export function addConsumeCommand(program: Command, outcome: CommandOutcome): void {
  const command = program
    .command('consume')
    .description('run one member of the consumer group: count web requests per device in Redis, exactly once')
    .option('--exit-when-caught-up', 'exit 0 once every partition is applied up to its end offset')
    .option(
      '--accept-partial',
      'count a partition the state holds no position for, whose first messages Kafka already deleted, from its first retained offset, and mark the state partial (without it the member refuses: FW_STATE_PARTIAL)',
    )
    .option(
      '--session-timeout-ms <ms>',
      'a member silent this long loses its partitions',
      milliseconds(6000),
      DEFAULT_SESSION_TIMEOUT_MS,
    )
    .option('--concurrency <n>', 'partition batches processed at once', integer(1), DEFAULT_CONCURRENCY)
    .option(
      '--allowed-lateness <seconds>',
      'event-time seconds an hour stays open behind the slowest partition; later flows count as late',
      integer(0),
      DEFAULT_LATENESS_SECONDS,
    )
    .option(
      '--max-event-time <seconds>',
      'a flow with a later Time is an outlier: counted in its score and in totals timeOutliers, in no hour, and it does not move the watermark',
      integer(0),
      DEFAULT_MAX_EVENT_TIME_SECONDS,
    )
    .option(
      '--status-interval-ms <ms>',
      'how often to show the top web servers and lag (0: never)',
      milliseconds(0),
      DEFAULT_STATUS_INTERVAL_MS,
    )
    .option('-n, --top <n>', 'rows of the status table', integer(1), DEFAULT_STATUS_ROWS);
  withMetricsOptions(command).action(
    outcome.action(async (flags: ConsumeFlags) => {
      const { config, log } = commandSetup(program);
      // Loaded only when this command runs (see main.ts).
      const { runConsume } = await import('../consumer/index.ts');
      await runConsume(config, log, {
        exitWhenCaughtUp: flags.exitWhenCaughtUp === true,
        acceptPartial: flags.acceptPartial === true,
        sessionTimeoutMs: flags.sessionTimeoutMs,
        partitionsConcurrently: flags.concurrency,
        latenessSeconds: flags.allowedLateness,
        maxEventTime: flags.maxEventTime,
        statusIntervalMs: flags.statusIntervalMs,
        top: flags.top,
        terminal: process.stdout.isTTY === true,
        metrics: metricsServer(flags, config),
      });
      return ExitCode.DONE;
    }),
  );
}
