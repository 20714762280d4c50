// Which Host a flowwatch HTTP server (the dashboard, a metrics server) answers: its own names only. A
// web page the operator opens could otherwise point a name of its own at this machine (DNS rebinding)
// and read the dashboard or the metrics through the browser; such a request carries that name. The
// name is what tells it apart, not the port, which a forward (docker -p, ssh -L) changes.
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The names a server on this machine always answers to, on any port. */
const LOCAL_NAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

/** Told to a request for a name the server does not answer to. */
export const MISDIRECTED = 421;

interface NameAndPort {
  readonly name: string;
  /** undefined: none given (for a Host header, the scheme's default; for a setting, any port). */
  readonly port: number | undefined;
}

/** `name`, `name:port`, `[v6]` or `[v6]:port`, lower-cased; undefined if it is none of these. */
function parseHost(text: string): NameAndPort | undefined {
  const value = text.trim().toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?$/.exec(value);
  if (match === null) return undefined;
  const port = match[2] === undefined ? undefined : Number(match[2]);
  if (port !== undefined && (port < 1 || port > 65_535)) return undefined;
  return { name: match[1] as string, port };
}

/** True for a `name` or `name:port` an allow-list setting may hold. */
export function isHostEntry(text: string): boolean {
  return parseHost(text) !== undefined;
}

/** A listen address as a Host header names it (an IPv6 address in brackets). */
function asHostName(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address.toLowerCase();
}

export class HostAllowList {
  private readonly own: readonly string[];
  private readonly extra: readonly NameAndPort[];

  /**
   * `listenHost`: the address the server listens on, answered like the local names; `extra`: the
   * names a proxy in front uses (FLOWWATCH_ALLOWED_HOSTS), each on any port unless it gives one.
   */
  constructor(listenHost: string, extra: readonly string[]) {
    this.own = [...LOCAL_NAMES, asHostName(listenHost)];
    this.extra = extra.map(parseHost).filter((entry) => entry !== undefined);
  }

  /** True if a request with this Host header is answered. */
  allows(hostHeader: string | undefined): boolean {
    const host = hostHeader === undefined ? undefined : parseHost(hostHeader);
    if (host === undefined) return false;
    if (this.own.includes(host.name)) return true;
    // HTTP leaves the port out of Host when it is the scheme's default.
    const asked = host.port ?? 80;
    return this.extra.some((entry) => entry.name === host.name && (entry.port === undefined || entry.port === asked));
  }

  /**
   * Answers 421 with a short sentence, and returns true, when the request's Host is not allowed;
   * `headers` are added to the reply.
   */
  refuse(request: IncomingMessage, response: ServerResponse, headers: Readonly<Record<string, string>> = {}): boolean {
    if (this.allows(request.headers.host)) return false;
    response.writeHead(MISDIRECTED, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
    response.end('this server answers only to its own names (add yours with FLOWWATCH_ALLOWED_HOSTS)\n');
    return true;
  }
}
