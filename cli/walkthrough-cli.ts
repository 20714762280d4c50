// `flowwatch walkthrough` (`npm start`).
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { DEFAULT_PARTITIONS } from '../kafka/index.ts';
import { createLogger } from '../runtime/index.ts';
import type { CommandOutcome } from './command-outcome.ts';
import {
  configFrom,
  DEFAULT_DASHBOARD_PORT,
  DEFAULT_TOP,
  integer,
  type PaceFlags,
  paceFrom,
  port,
  SAMPLE_FILE,
  withPaceOptions,
} from './options.ts';
import { DEFAULT_MIN_COUNT } from './verify-cli.ts';

/** The walkthrough's default pace: the sample streams for a few seconds, long enough to watch. */
const DEFAULT_WALKTHROUGH_RATE = 25_000;

/** Where the local servers and the walkthrough's logs live when FLOWWATCH_RUN_DIR is unset, as the infra scripts say. */
const DEFAULT_RUN_DIRECTORY = fileURLToPath(new URL('../.flowwatch', import.meta.url));

interface WalkthroughFlags extends PaceFlags {
  readonly consumers: number;
  readonly partitions: number;
  readonly maxSpeed?: boolean;
  readonly top: number;
  readonly minCount: number;
  readonly dashboardPort: number;
  readonly reset?: boolean;
}

export function addWalkthroughCommand(program: Command, outcome: CommandOutcome): void {
  const command = program
    .command('walkthrough')
    .description(
      'the whole walkthrough (npm start): start Kafka/Redis if needed, reset a fresh run (deleting only the topic, group offsets and Redis keys a walkthrough made; anything else under those names needs --reset), stream the file through N consumers while showing the ranking, then run the batch check; exit 0 iff stream and batch agree. Logs (its own and those of its processes, at --log-level) go to files in .flowwatch/walkthrough-<topic>/, never to the terminal',
    )
    .argument('[file]', 'flow file (plain or gzip), e.g. a real LANL day', SAMPLE_FILE)
    .option('--consumers <n>', 'members of the consumer group', integer(1), 2)
    .option('--partitions <n>', 'partitions of the fresh topic', integer(1), DEFAULT_PARTITIONS);
  withPaceOptions(
    command,
    {
      rate: `publish n flows per second (default: ${DEFAULT_WALKTHROUGH_RATE}, a few seconds for the sample)`,
      speedup: 'replay by event time, x times faster than real time (3600: an hour a second)',
    },
    ['maxSpeed'],
  )
    .option('--max-speed', 'publish as fast as the broker takes it')
    .option('-n, --top <n>', 'rows of the live ranking', integer(1), DEFAULT_TOP)
    .option(
      '--min-count <k>',
      'devices with at least k web requests count as likely web servers',
      integer(1),
      DEFAULT_MIN_COUNT,
    )
    .option(
      '--dashboard-port <port>',
      'port of the live dashboard (taken: any free port)',
      port,
      DEFAULT_DASHBOARD_PORT,
    )
    .option(
      '--reset',
      'delete what the topic, its dead-letter topic, the group and the key prefix hold even if no walkthrough made it (named in one line first); without it the walkthrough refuses such names',
    )
    .action(
      outcome.action(async (file: string, flags: WalkthroughFlags) => {
        const config = configFrom(program);
        // Loaded only when this command runs (see main.ts).
        const { RunLogs, runWalkthrough } = await import('../walkthrough/index.ts');
        // Its own log and its processes' go to files: the terminal shows the walkthrough's sentences only.
        const logs = RunLogs.open(config.runDir ?? DEFAULT_RUN_DIRECTORY, config.topic);
        const log = createLogger(config.logLevel, logs.destination('walkthrough'));
        return runWalkthrough(config, log, {
          file,
          consumers: flags.consumers,
          partitions: flags.partitions,
          pace: flags.maxSpeed ? undefined : paceFrom(flags, { rate: DEFAULT_WALKTHROUGH_RATE }),
          top: flags.top,
          minCount: flags.minCount,
          terminal: process.stdout.isTTY === true,
          refreshMs: 250,
          catchUpTimeoutMs: 120_000,
          dashboardPort: flags.dashboardPort,
          reset: flags.reset === true,
          logs,
          parentEnv: process.env,
        });
      }),
    );
}
