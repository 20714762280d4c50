// Where a walkthrough's logs go: its own and each process's, one file each in a folder per topic,
// so that the terminal shows only the walkthrough's sentences and a failure can name a file to read.
import { accessSync, constants, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type DestinationStream, pino } from 'pino';

export class RunLogs {
  /** The folder the files are in. */
  readonly directory: string;

  private constructor(directory: string) {
    this.directory = directory;
  }

  /**
   * The run's folder in `runDirectory` (`walkthrough-<topic>`, one word, so no topic name leads
   * elsewhere), or in the system's temporary folder when the run directory cannot be written (a
   * read-only checkout). Each file is started afresh by the run that writes it.
   */
  static open(runDirectory: string, topic: string): RunLogs {
    const bases = [runDirectory, join(tmpdir(), 'flowwatch')];
    for (const base of bases) {
      const directory = join(base, `walkthrough-${topic}`);
      try {
        mkdirSync(directory, { recursive: true });
        accessSync(directory, constants.W_OK);
        return new RunLogs(directory);
      } catch {
        // Not writable here: the next place.
      }
    }
    return new RunLogs(join(bases[1] as string, `walkthrough-${topic}`));
  }

  /** The file of one process: `consumer 1` writes to `consumer-1.log`. */
  file(name: string): string {
    return join(this.directory, `${name.replaceAll(/[^\w.-]+/g, '-')}.log`);
  }

  /** A logger destination writing to the named file, synchronously so a last line is never lost. */
  destination(name: string): DestinationStream {
    return pino.destination({ dest: this.file(name), sync: true, mkdir: true, append: false });
  }

  /** The folder as a user types it: relative to the working folder when it is inside it. */
  get shown(): string {
    const path = relative(process.cwd(), this.directory);
    return path === '' || path.startsWith('..') ? this.directory : path;
  }
}
