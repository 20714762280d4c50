// One HTTP listener for every flowwatch server (the dashboard, a command's metrics): it listens on
// one address, answers only its own names (allowed-hosts.ts), hands every other request to its
// handler, and closes once however often it is asked. A port it cannot take is one plain sentence.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode, FlowwatchError } from '../runtime/index.ts';
import { HostAllowList } from './allowed-hosts.ts';

export interface ListenerOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** Host names answered besides the local ones and `host` (see allowed-hosts.ts). */
  readonly allowedHosts: readonly string[];
  /** When the port is taken, listen on any free one instead of failing. */
  readonly anyPortIfTaken?: boolean;
  /** Who listens, as the sentence names it when it cannot: `the dashboard`, `the metrics`. */
  readonly name: string;
  /** What the sentence advises when the port is taken, e.g. `choose another with --metrics-port`. */
  readonly portInUseAdvice: string;
  /** Sent with every reply the listener makes itself (a refused name). */
  readonly headers?: Readonly<Record<string, string>>;
}

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

export class HttpListener {
  private readonly server: Server;
  private closing: Promise<void> | undefined;

  private constructor(options: ListenerOptions, handle: RequestHandler) {
    const hosts = new HostAllowList(options.host, options.allowedHosts);
    this.server = createServer((request, response) => {
      if (!hosts.refuse(request, response, options.headers)) handle(request, response);
    });
  }

  /** Listens; a port in use (or any other refusal) is a usage error in one sentence. */
  static async listen(options: ListenerOptions, handle: RequestHandler): Promise<HttpListener> {
    const listener = new HttpListener(options, handle);
    try {
      await listener.attempt(options.host, options.port);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && options.anyPortIfTaken === true) await listener.attempt(options.host, 0);
      else throw cannotListen(options, error as NodeJS.ErrnoException);
    }
    return listener;
  }

  /** Where it listens, e.g. `http://127.0.0.1:8080` (an IPv6 address in brackets). */
  get origin(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  /** Stops listening and ends every connection, a request in progress included. Idempotent. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.closing;
  }

  private attempt(host: string, port: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }
}

function cannotListen(options: ListenerOptions, error: NodeJS.ErrnoException): FlowwatchError {
  const where = `${options.name} cannot listen on ${options.host}:${options.port}`;
  return new FlowwatchError(
    ErrorCode.USAGE,
    error.code === 'EADDRINUSE'
      ? `${where}: the port is in use (${options.portInUseAdvice})`
      : `${where} (${error.code ?? error.message})`,
    { cause: error },
  );
}
