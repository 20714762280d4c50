// Usage mistakes (an unknown option, a missing or bad value, an unknown command) as one flowwatch
// sentence with the FW_USAGE code and exit 2, instead of commander's own text and exit 1, which
// `verify` and the walkthrough use for "stream and batch differ".
import { type Command, CommanderError } from 'commander';
import { ErrorCode, FlowwatchError } from '../runtime/index.ts';

/** Commander's words, on one line: its "error: " dropped, a "(Did you mean ...?)" kept. */
function sentenceOf(command: Command, error: CommanderError): string {
  if (error.code === 'commander.help') {
    // Asked for nothing (the program alone), or `help` with a command that does not exist.
    const names = command.commands.map((sub) => sub.name()).filter((name) => name !== 'help');
    const [first, asked] = command.args;
    const what = first === 'help' && asked !== undefined ? `unknown command '${asked}'` : 'a command is needed';
    return `${what} (commands: ${names.join(', ')}); flowwatch --help shows the usage`;
  }
  const words = error.message
    .replace(/^error: /, '')
    .replace(/ is invalid\. /, ' is invalid: ')
    .replace(/\s*\n\s*/g, ' ');
  const where = command.parent === null ? 'flowwatch' : `flowwatch ${command.name()}`;
  const prefix = command.parent === null ? '' : `${command.name()}: `;
  return `${prefix}${words}; ${where} --help shows the usage`;
}

/**
 * Makes every command of `program` throw instead of printing and exiting: help and the version
 * (exit code 0) as the CommanderError they are, a mistake as a FlowwatchError. Call it once the
 * commands are added.
 */
export function throwUsageErrors(program: Command): Command {
  for (const command of [program, ...program.commands]) {
    // Commander's own error output is dropped: the sentence is written in one place (cli/main.ts).
    command.configureOutput({ outputError: () => {}, writeErr: () => {} });
    command.exitOverride((error) => {
      if (error.exitCode === 0) throw error;
      throw new FlowwatchError(ErrorCode.USAGE, sentenceOf(command, error), { cause: error });
    });
  }
  return program;
}

/** True for the way out of help and --version, which end the command with exit 0. */
export function isDoneEarly(error: unknown): boolean {
  return error instanceof CommanderError && error.exitCode === 0;
}
