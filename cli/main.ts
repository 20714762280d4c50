// The `flowwatch` command line: wires the commands (one file each) and turns every error into one
// plain sentence and the exit code its code has (runtime/errors.ts), here and nowhere else.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { ExitCode, exitCodeOf, FlowwatchError } from '../runtime/index.ts';
import { CommandOutcome } from './command-outcome.ts';
import { addConsumeCommand } from './consume-cli.ts';
import { addDashboardCommand } from './dashboard-cli.ts';
import { requestedLogLevel, withGlobalOptions } from './options.ts';
import { addProduceCommand } from './produce-cli.ts';
import { addTopCommand } from './top-cli.ts';
import { isDoneEarly, throwUsageErrors } from './usage-errors.ts';
import { addVerifyCommand } from './verify-cli.ts';
import { addWalkthroughCommand } from './walkthrough-cli.ts';

export { SAMPLE_FILE } from './options.ts';

const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

/** The program; the action that runs leaves the exit code it returns in `outcome`. */
export function buildProgram(outcome: CommandOutcome = new CommandOutcome()): Command {
  const program = withGlobalOptions(
    new Command('flowwatch').description(
      'Which devices are web servers? Stream netflow through Kafka, count port-80 flows per device exactly once in Redis, and check the stream against the batch answer.',
    ),
  ).version(version, '-V, --version', 'print the version of flowwatch');
  addProduceCommand(program, outcome);
  addConsumeCommand(program, outcome);
  addVerifyCommand(program, outcome);
  addTopCommand(program, outcome);
  addDashboardCommand(program, outcome);
  addWalkthroughCommand(program, outcome);
  return throwUsageErrors(program);
}

export async function main(argv: readonly string[]): Promise<number> {
  const outcome = new CommandOutcome();
  const program = buildProgram(outcome);
  try {
    await program.parseAsync([...argv]);
    return outcome.exitCode;
  } catch (error) {
    if (isDoneEarly(error)) return ExitCode.DONE;
    return reportError(error, requestedLogLevel(program));
  }
}

function reportError(error: unknown, logLevel: string | undefined): number {
  if (error instanceof FlowwatchError) {
    // The code follows the sentence, on its first line; details (a table) come below.
    const [sentence, ...details] = error.message.split('\n');
    process.stderr.write(`${[`flowwatch: ${sentence} (${error.code})`, ...details].join('\n')}\n`);
  } else {
    process.stderr.write(
      `flowwatch: unexpected error: ${error instanceof Error ? error.message : String(error)} (--log-level debug shows details)\n`,
    );
  }
  if ((logLevel === 'debug' || logLevel === 'trace') && error instanceof Error) {
    process.stderr.write(`${error.stack ?? ''}\n`);
  }
  return exitCodeOf(error);
}
