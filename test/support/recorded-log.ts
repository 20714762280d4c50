// A real pino logger whose lines are kept in memory, for unit tests that check what a component logs.
import { createLogger, type Logger } from '../../runtime/index.ts';

export interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export const LEVELS = { info: 30, warn: 40, error: 50 } as const;

/** A logger at `debug` and the lines it has written so far. */
export function recordedLog(): { log: Logger; lines: () => LogLine[]; messages: () => string[] } {
  const written: LogLine[] = [];
  const log = createLogger('debug', { write: (line: string) => written.push(JSON.parse(line) as LogLine) });
  return { log, lines: () => written, messages: () => written.map((line) => line.msg) };
}
