// A process's Prometheus metrics: a registry of its own (never prom-client's global one, so commands
// and tests sharing a process cannot collide), answered in the text format at GET /metrics, on a
// small server of its own for the commands that have no HTTP server (produce, consume).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { ErrorCode, FlowwatchError } from '../runtime/errors.ts';
import type { Logger } from '../runtime/logger.ts';
import { HostAllowList } from './allowed-hosts.ts';

export const METRICS_PATH = '/metrics';

/** Where `--metrics-port` listens unless `--metrics-host` says otherwise: this machine only. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';

/**
 * prom-client's default metrics include three gauges named `_total`, a suffix Prometheus' naming rules
 * (and `promtool check metrics`) keep for counters; each is only the sum over its labelled twin
 * (`nodejs_active_handles` ...), which stays.
 */
const MISNAMED_DEFAULT_METRICS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** A fresh registry holding the process's standard metrics (memory, CPU, event loop, GC, handles). */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of MISNAMED_DEFAULT_METRICS) registry.removeSingleMetric(name);
  return registry;
}

/** Answers a scrape with the registry's exposition; `headers` are added to the reply. */
export async function serveMetrics(
  registry: Registry,
  response: ServerResponse,
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  let body: string;
  try {
    body = await registry.metrics();
  } catch (error) {
    response.writeHead(500, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(`the metrics could not be collected: ${error instanceof Error ? error.message : String(error)}\n`);
    return;
  }
  response.writeHead(200, { ...headers, 'Content-Type': registry.contentType });
  response.end(body);
}

export interface MetricsServerOptions {
  readonly host: string;
  /** A port of its own; 0 picks any free one (the commands treat 0 as "no server" before this). */
  readonly port: number;
  /** Host names answered besides the local ones and `host` (see allowed-hosts.ts). */
  readonly allowedHosts: readonly string[];
}

export class MetricsServer {
  private readonly server: Server;
  private readonly hosts: HostAllowList;
  private stopping: Promise<void> | undefined;

  private constructor(registry: Registry, options: MetricsServerOptions) {
    this.hosts = new HostAllowList(options.host, options.allowedHosts);
    this.server = createServer((request, response) => void this.handle(registry, request, response));
  }

  /** Listens; a port in use is one plain sentence, as a usage error. */
  static async start(registry: Registry, options: MetricsServerOptions, log: Logger): Promise<MetricsServer> {
    const metrics = new MetricsServer(registry, options);
    const where = `${options.host}:${options.port}`;
    await new Promise<void>((resolve, reject) => {
      metrics.server.once('error', reject);
      metrics.server.listen(options.port, options.host, () => {
        metrics.server.off('error', reject);
        resolve();
      });
    }).catch((error: NodeJS.ErrnoException) => {
      throw new FlowwatchError(
        ErrorCode.USAGE,
        error.code === 'EADDRINUSE'
          ? `the metrics cannot listen on ${where}: the port is in use (choose another with --metrics-port)`
          : `the metrics cannot listen on ${where} (${error.code ?? error.message})`,
        { cause: error },
      );
    });
    log.info({ url: metrics.url }, 'metrics served');
    return metrics;
  }

  /** Where Prometheus scrapes, e.g. `http://127.0.0.1:9464/metrics`. */
  get url(): string {
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address.includes(':') ? `[${address}]` : address}:${port}${METRICS_PATH}`;
  }

  /** Closes the server and any scrape in progress. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    return this.stopping;
  }

  private async handle(registry: Registry, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0];
    if (this.hosts.refuse(request, response)) return;
    if (path !== METRICS_PATH) {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      response.end(`not found: metrics are at ${METRICS_PATH}\n`);
    } else if (request.method !== 'GET') {
      response.writeHead(405, { Allow: 'GET', 'Content-Type': 'text/plain; charset=utf-8' });
      response.end('only GET is served here\n');
    } else {
      await serveMetrics(registry, response);
    }
  }
}
