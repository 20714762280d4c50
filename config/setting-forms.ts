// The forms a setting's value takes (host:port lists, names, bounded whole numbers) as zod schemas
// that say a mistake in words the user can act on, and the way back: a value as the environment writes it.
import { z } from 'zod';
// The http folder's face reaches the runtime's, which reads the configuration: the inner file, no import circle.
import { isHostEntry } from '../http/allowed-hosts.ts';

/** A port a client can connect to: 0 only means "any" to a server that listens. */
export const isConnectablePort = (port: string) =>
  /^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535;

/** The port of `host:port` (the last colon's right). */
export const portOf = (node: string) => node.slice(node.lastIndexOf(':') + 1);

/** A comma-separated list, each entry trimmed (and changed by `normalise`), empty entries dropped. */
const commaList = (normalise: (entry: string) => string = (entry) => entry) =>
  z.string().transform((value) =>
    value
      .split(',')
      .map((entry) => normalise(entry.trim()))
      .filter(Boolean),
  );

/** Servers to connect to, `host:port` comma-separated: brokers, sentinels, cluster nodes. */
export const nodeList = (what: string) =>
  commaList().pipe(
    z
      .array(
        z
          .string()
          .regex(/^[^:\s]+:\d+$/, `each ${what} must be host:port`)
          .refine((node) => isConnectablePort(portOf(node)), `each ${what} needs a port from 1 to 65535`),
      )
      .min(1, `at least one ${what} is needed`),
  );

/** Host names a server answers besides its own, `name` or `name:port`, comma-separated; none: an empty list. */
export const hostList = () =>
  commaList((entry) => entry.toLowerCase())
    .pipe(z.array(z.string().refine(isHostEntry, 'each entry must be a host name or address, optionally with :port')))
    .default([]);

/** A Kafka name (a topic, a group). */
export const kafkaName = (what: string) =>
  z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, `${what} may hold only letters, digits, '.', '_' and '-'`);

export const wholeNumber = (min: number, max: number) =>
  z.coerce
    .number()
    .int('must be a whole number')
    .min(min, min === 0 ? 'must be 0 or more' : `must be at least ${min}`)
    .max(max, `must be at most ${max}`);

/** A value as the environment writes it; undefined for none (unset, or an empty list). */
export function environmentText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.join(',');
  return String(value);
}

/** The Redis to use: a URL that says its port, TLS (rediss://) and login. */
export const redisUrl = () =>
  z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .refine((url) => URL.canParse(url), 'is not a URL (percent-encode special characters in the password)')
    .refine((url) => !URL.canParse(url) || new URL(url).port !== '0', 'needs a port from 1 to 65535');
