// The `flowwatch` command line: wires the commands (one file each) and turns every error into one
// plain sentence and the exit code its code has (runtime/errors.ts), here and nowhere else.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { exitCodeOf, FlowwatchError } from '../runtime/index.ts';
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

export function buildProgram(): Command {
  const program = withGlobalOptions(
    new Command('flowwatch').description(
      'Which devices are web servers? Stream netflow through Kafka, count port-80 flows per device exactly once in Redis, and check the stream against the batch answer.',
    ),
  ).version(version, '-V, --version', 'print the version of flowwatch');
  addProduceCommand(program);
  addConsumeCommand(program);
  addVerifyCommand(program);
  addTopCommand(program);
  addDashboardCommand(program);
  addWalkthroughCommand(program);
  return throwUsageErrors(program);
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (isDoneEarly(error)) return 0;
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
