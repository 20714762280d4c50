// How a command's action hands the exit code it returns to the top of the CLI (cli/main.ts), which
// alone turns it into the process's exit: commander drops what an action returns, so it is kept here.
import { ExitCode } from '../runtime/index.ts';

export class CommandOutcome {
  /** What the action that ran returned; done until one has (help and --version run none). */
  exitCode: number = ExitCode.DONE;

  /** The action for commander: `run` with the command's arguments, the exit code it returns kept. */
  action<Args extends unknown[]>(run: (...args: Args) => Promise<number>): (...args: Args) => Promise<void> {
    return async (...args) => {
      this.exitCode = await run(...args);
    };
  }
}
