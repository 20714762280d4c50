// The one pino root, writing JSON lines to stderr; components take child loggers from it.
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/** A `password` up to two levels down in an entry never reaches the log. */
const REDACT = { paths: ['password', '*.password', '*.*.password'], censor: '[redacted]' };

/** ioredis puts the failed command on a reply error: for AUTH and HELLO its arguments hold the password. */
function serializeError(error: Error): object {
  const serialized = pino.stdSerializers.err(error) as { command?: { name?: unknown } };
  const name = serialized.command?.name;
  if (typeof name === 'string' && /^(auth|hello)$/i.test(name)) serialized.command = { name };
  return serialized;
}

export function createLogger(
  level: string,
  // Synchronous writes: logs are rare (never per message), and a fatal line must not be lost at exit.
  destination: DestinationStream = pino.destination({ dest: 2, sync: true }),
): Logger {
  return pino({ level, base: undefined, redact: REDACT, serializers: { err: serializeError } }, destination);
}
