// `flowwatch dashboard`.
import type { Command } from 'commander';
// The inner files: the dashboard's face loads its server, which the action loads only when it runs.
import { MAX_EVENT_STREAMS } from '../dashboard/page-limits.ts';
import { HOURS_SHOWN } from '../dashboard/snapshot-reader.ts';
import { ExitCode } from '../runtime/index.ts';
import type { CommandOutcome } from './command-outcome.ts';
import { commandSetup, DEFAULT_DASHBOARD_PORT, DEFAULT_TOP, integer, milliseconds, port } from './options.ts';
import { DEFAULT_MIN_COUNT } from './verify-cli.ts';

export function addDashboardCommand(program: Command, outcome: CommandOutcome): void {
  program
    .command('dashboard')
    .description(
      'a live web page of the state: top web servers, flows/s, lag, watermark, hourly counts and the last batch check (reads Redis, changes nothing)',
    )
    .option(
      '--host <address>',
      'address to listen on; requests are answered only for Host localhost, 127.0.0.1, [::1] or this address (on any port), or a name of --allowed-hosts (others: 421)',
      '127.0.0.1',
    )
    .option('--port <port>', 'port to listen on (0: any free port)', port, DEFAULT_DASHBOARD_PORT)
    .option('-n, --top <n>', 'devices in the bar chart', integer(1), DEFAULT_TOP)
    .option(
      '--min-count <k>',
      'the line drawn on the bar chart: likely web servers have at least k',
      integer(0),
      DEFAULT_MIN_COUNT,
    )
    .option(
      '--interval-ms <ms>',
      `how often the page is updated (at most ${MAX_EVENT_STREAMS} pages at once; the hourly chart shows the last ${HOURS_SHOWN} hours counted)`,
      milliseconds(100),
      1000,
    )
    .action(
      outcome.action(
        async (flags: { host: string; port: number; top: number; minCount: number; intervalMs: number }) => {
          const { config, log } = commandSetup(program);
          // Loaded only when this command runs (see main.ts).
          const { runDashboard } = await import('../dashboard/index.ts');
          await runDashboard(config, log, flags);
          return ExitCode.DONE;
        },
      ),
    );
}
