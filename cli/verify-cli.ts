// `flowwatch verify [FILE]`.
import type { Command } from 'commander';
import type { CommandOutcome } from './command-outcome.ts';
import { commandSetup, integer, SAMPLE_FILE } from './options.ts';

/** Devices with at least this many web requests are called likely web servers. */
export const DEFAULT_MIN_COUNT = 10;

export function addVerifyCommand(program: Command, outcome: CommandOutcome): void {
  program
    .command('verify')
    .description(
      'batch job: recompute the counts from the file and compare with Redis; exit 0 if identical, 1 if not, 2 if it could not compare',
    )
    .argument('[file]', 'flow file, or - for standard input', SAMPLE_FILE)
    .option('--partial', 'compare even if the consumers have not caught up, and say how far along they are')
    .option(
      '--min-count <k>',
      'call devices with at least k web requests likely web servers',
      integer(1),
      DEFAULT_MIN_COUNT,
    )
    .option('--json', 'print the report as one JSON object')
    .action(
      outcome.action(async (file: string, flags: { partial?: boolean; minCount: number; json?: boolean }) => {
        const { config, log } = commandSetup(program);
        // Loaded only when this command runs (see main.ts).
        const { runVerify } = await import('../verify/index.ts');
        return runVerify(config, log, {
          file,
          partial: flags.partial === true,
          json: flags.json === true,
          minCount: flags.minCount,
        });
      }),
    );
}
