// The one pino root, writing JSON lines to stderr; components take child loggers from it.
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/** A `password` up to two levels down in an entry never reaches the log. */
const REDACT = { paths: ['password', '*.password', '*.*.password'], censor: '[redacted]' };

/**
 * ioredis puts the failed command on a reply error: its name is kept, never its arguments (for AUTH
 * and HELLO they hold the password; for a state script, a whole batch).
 */
function serializeError(error: Error): object {
  const serialized = pino.stdSerializers.err(error) as { command?: { name?: unknown } };
  if (serialized.command !== undefined) serialized.command = { name: serialized.command.name };
  return serialized;
}

export function createLogger(
  level: string,
  // Synchronous writes: logs are rare (never per message), and a fatal line must not be lost at exit.
  destination: DestinationStream = pino.destination({ dest: 2, sync: true }),
): Logger {
  return pino({ level, base: undefined, redact: REDACT, serializers: { err: serializeError } }, destination);
}
