// The one pino root, writing JSON lines to stderr; components take child loggers from it.
import { type Logger, pino } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  // Synchronous writes: logs are rare (never per message), and a fatal line must not be lost at exit.
  return pino({ level, base: undefined }, pino.destination({ dest: 2, sync: true }));
}
