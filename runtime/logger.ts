// The one pino root, writing JSON lines to stderr; components take child loggers from it.
import { type DestinationStream, type Logger, pino } from 'pino';
import { redactUrl } from '../config/index.ts';

export type { Logger };

/** Up to two levels down in an entry: a password never reaches the log, a URL only with its secrets masked. */
const atDepths = (field: string) => [field, `*.${field}`, `*.*.${field}`];
const REDACT = {
  paths: ['password', 'sentinelPassword', 'redisUrl', 'url'].flatMap(atDepths),
  censor: (value: unknown, path: string[]) =>
    /url$/i.test(path.at(-1) ?? '') && typeof value === 'string' ? redactUrl(value) : '[redacted]',
};

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
