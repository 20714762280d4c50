// `flowwatch top`: the current ranking, all time or one event-time hour, read from the state.
import type { Command } from 'commander';
import { ExitCode } from '../runtime/index.ts';
import { connectRedis, createRedis, formatRanking, StateReader } from '../state/index.ts';
import type { CommandOutcome } from './command-outcome.ts';
import { configFrom, DEFAULT_TOP, integer } from './options.ts';

export function addTopCommand(program: Command, outcome: CommandOutcome): void {
  program
    .command('top')
    .description('the current ranking of web servers from Redis (all time, or one event-time hour)')
    .option('-n <n>', 'how many devices', integer(1), DEFAULT_TOP)
    .option(
      '--min-count <k>',
      'only devices with at least k web requests (seen repeatedly: likely web servers)',
      integer(0),
      1,
    )
    .option(
      '--hour <h>',
      'one event-time hour: H = floor(Time / 3600), so hour 33 holds Time 118800..122399',
      integer(0),
    )
    .option('--json', 'print the ranking as JSON')
    .action(
      outcome.action(async (flags: { n: number; minCount: number; hour?: number; json?: boolean }) => {
        const config = configFrom(program);
        const redis = await connectRedis(createRedis(config), config);
        try {
          const state = new StateReader(redis, config.keyPrefix);
          const ranking =
            flags.hour === undefined
              ? await state.ranking(flags.n, flags.minCount)
              : await state.hourRanking(flags.hour, flags.n, flags.minCount);
          process.stdout.write(flags.json ? `${JSON.stringify(ranking)}\n` : `${formatRanking(ranking)}\n`);
          // A partial count is said beside the ranking, on stderr, so the output stays the ranking alone.
          for (const [id, from] of await state.partialStarts())
            process.stderr.write(
              `flowwatch: partial count: ${id} is counted from offset ${from} only (Kafka had deleted the messages before it)\n`,
            );
        } finally {
          redis.disconnect();
        }
        return ExitCode.DONE;
      }),
    );
}
