// A process's Prometheus metrics: a registry of its own (never prom-client's global one, so commands
// and tests sharing a process cannot collide), answered in the text format at GET /metrics, on a
// listener of its own for the commands that have no HTTP server (produce, consume).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { HttpListener } from '../http/index.ts';
import type { Logger } from '../runtime/index.ts';

export const METRICS_PATH = '/metrics';

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
  private readonly listener: HttpListener;

  private constructor(listener: HttpListener) {
    this.listener = listener;
  }

  /** Listens; a port in use is one plain sentence, as a usage error. */
  static async start(registry: Registry, options: MetricsServerOptions, log: Logger): Promise<MetricsServer> {
    const listener = await HttpListener.listen(
      { ...options, name: 'the metrics', portInUseAdvice: 'choose another with --metrics-port' },
      (request, response) => answer(registry, request, response),
    );
    const metrics = new MetricsServer(listener);
    log.info({ url: metrics.url }, 'metrics served');
    return metrics;
  }

  /** Where Prometheus scrapes, e.g. `http://127.0.0.1:9464/metrics`. */
  get url(): string {
    return `${this.listener.origin}${METRICS_PATH}`;
  }

  /** Closes the server and any scrape in progress. Idempotent. */
  stop(): Promise<void> {
    return this.listener.close();
  }
}

function answer(registry: Registry, request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '').split('?')[0];
  if (path !== METRICS_PATH) {
    response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(`not found: metrics are at ${METRICS_PATH}\n`);
  } else if (request.method !== 'GET') {
    response.writeHead(405, { Allow: 'GET', 'Content-Type': 'text/plain; charset=utf-8' });
    response.end('only GET is served here\n');
  } else {
    void serveMetrics(registry, response);
  }
}
