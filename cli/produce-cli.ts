// `flowwatch produce [FILE|-]`.
import type { Command } from 'commander';
import { DEFAULT_PARTITIONS } from '../kafka/index.ts';
// The inner file: the producer's face loads the producer, which the action loads only when it runs.
import { DEFAULT_BATCH_SIZE, DEFAULT_LINGER_MS } from '../producer/produce-defaults.ts';
import { ExitCode } from '../runtime/index.ts';
import type { CommandOutcome } from './command-outcome.ts';
import {
  commandSetup,
  integer,
  type MetricsFlags,
  metricsServer,
  milliseconds,
  nonEmpty,
  type PaceFlags,
  paceFrom,
  SAMPLE_FILE,
  withMetricsOptions,
  withPaceOptions,
} from './options.ts';

interface ProduceFlags extends PaceFlags, MetricsFlags {
  readonly source?: string;
  readonly again?: boolean;
  readonly partitions: number;
  readonly batchSize: number;
  readonly lingerMs: number;
  readonly json?: boolean;
  readonly progress: boolean;
}

export function addProduceCommand(program: Command, outcome: CommandOutcome): void {
  const command = program
    .command('produce')
    .description(
      'publish a flow file (plain or gzip; - for stdin) to the topic, one message per valid flow; invalid lines go to <topic>.invalid',
    )
    .argument('[file]', 'flow file, or - for standard input', SAMPLE_FILE)
    .option(
      '--source <name>',
      "the name the flows carry (default: the file's base name, or stdin); standard input resumes only under a name given here",
      nonEmpty,
    )
    .option(
      '--again',
      'publish the input as a new stream even if the topic holds it already (by default a re-run publishes only what the topic does not hold yet)',
    );
  withPaceOptions(command, {
    rate: 'publish n flows per second',
    speedup: 'replay by the Time column, x times faster than real time',
  })
    .option('--partitions <n>', 'partitions of the topic when it is created', integer(1), DEFAULT_PARTITIONS)
    .option(
      '--batch-size <n>',
      'messages per batch (sent per partition, in requests the topic accepts)',
      integer(1),
      DEFAULT_BATCH_SIZE,
    )
    .option(
      '--linger-ms <ms>',
      'how long a batch not yet full waits for more input before it is sent (a slow input is published as it comes)',
      milliseconds(0),
      DEFAULT_LINGER_MS,
    )
    .option('--json', 'print the summary as one JSON object')
    .option('--no-progress', 'no live progress line, even on a terminal');
  withMetricsOptions(command).action(
    outcome.action(async (file: string, flags: ProduceFlags) => {
      const { config, log } = commandSetup(program);
      // Loaded only when this command runs (see main.ts).
      const { runProduce } = await import('../producer/index.ts');
      const summary = await runProduce(config, log, {
        file,
        source: flags.source,
        again: flags.again === true,
        partitions: flags.partitions,
        batchSize: flags.batchSize,
        lingerMs: flags.lingerMs,
        pace: paceFrom(flags, undefined),
        json: flags.json === true,
        progress: flags.progress && process.stderr.isTTY === true,
        metrics: metricsServer(flags, config),
      });
      // A run stopped before its input's end says so in its exit, as a signal would.
      return summary.complete ? ExitCode.DONE : ExitCode.INTERRUPTED;
    }),
  );
}
