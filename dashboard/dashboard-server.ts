// The dashboard's HTTP server: serves the page and pushes a snapshot of the state to every open page
// over server-sent events, and the state's metrics for Prometheus at /metrics. Read-only by
// construction: only GET is answered, on six fixed paths, and nothing it serves changes any state;
// only to its own names (see HttpListener), to a bounded number of open pages.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import type { Config } from '../config/index.ts';
import { HttpListener } from '../http/index.ts';
import { METRICS_PATH, serveMetrics } from '../metrics/index.ts';
import type { Logger } from '../runtime/index.ts';
import { createDashboardMetrics } from './dashboard-metrics.ts';
import { loadPageAssets, type PageAsset } from './page-assets.ts';
import { MAX_EVENT_STREAMS } from './page-limits.ts';
import type { Snapshot } from './snapshot.ts';
import { SnapshotReader } from './snapshot-reader.ts';

export interface DashboardOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** When the port is taken, listen on any free one instead of failing (for `npm start`). */
  readonly anyPortIfTaken: boolean;
  /** Devices in the bar chart. */
  readonly top: number;
  /** The threshold drawn on the bar chart. */
  readonly minCount: number;
  /** How often the state is read and pushed to the pages. */
  readonly intervalMs: number;
}

const EVENTS_PATH = '/events';

/** Sent with every response: the page loads nothing from elsewhere and runs no inline script. */
const SECURITY_HEADERS = {
  'Content-Security-Policy': "default-src 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
} as const;

/** A page that stops reading its events is dropped past this much unsent data, not buffered for ever. */
const MAX_UNSENT_BYTES = 1 << 20;

export class DashboardServer {
  private readonly options: DashboardOptions;
  private readonly log: Logger;
  private readonly assets: ReadonlyMap<string, PageAsset>;
  private readonly reader: SnapshotReader;
  /** Set once it listens, before any request can arrive. */
  private listener: HttpListener | undefined;
  private readonly pages = new Set<ServerResponse>();
  /** The last snapshot as an event, sent at once to a page that opens. */
  private latest: string | undefined;
  /** The same snapshot, read by the metrics when scraped. */
  private snapshot: Snapshot | undefined;
  private readonly metrics: Registry;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  private constructor(config: Config, log: Logger, options: DashboardOptions, assets: ReadonlyMap<string, PageAsset>) {
    this.options = options;
    this.log = log.child({ component: 'dashboard' });
    this.assets = assets;
    this.reader = new SnapshotReader(config, this.log, {
      top: options.top,
      minCount: options.minCount,
      readTimeoutMs: Math.max(1000, 2 * options.intervalMs),
    });
    this.metrics = createDashboardMetrics(() => this.snapshot);
  }

  /** Listens, then reads the state every `intervalMs` until `stop`. */
  static async start(config: Config, log: Logger, options: DashboardOptions): Promise<DashboardServer> {
    const dashboard = new DashboardServer(config, log, options, await loadPageAssets());
    try {
      dashboard.listener = await HttpListener.listen(
        {
          ...options,
          allowedHosts: config.allowedHosts,
          name: 'the dashboard',
          portInUseAdvice: 'choose another with --port; 0 picks a free one',
          headers: SECURITY_HEADERS,
        },
        (request, response) => dashboard.handle(request, response),
      );
    } catch (error) {
      await dashboard.reader.close();
      throw error;
    }
    dashboard.refreshing = dashboard.refresh();
    dashboard.schedule();
    return dashboard;
  }

  /** Where the page is, e.g. `http://127.0.0.1:8080/`. */
  get url(): string {
    return `${this.listener?.origin}/`;
  }

  /** Sends the pages a last snapshot and an end event, closes them and the server. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutDown();
    return this.stopping;
  }

  private async shutDown(): Promise<void> {
    clearTimeout(this.timer);
    await this.refreshing;
    // One more read, so the pages keep the final state (the check that just ran, say).
    await this.refresh();
    for (const page of this.pages) page.end('event: end\ndata: {}\n\n');
    this.pages.clear();
    await this.listener?.close();
    await this.reader.close();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.refreshing = this.refresh();
      void this.refreshing.then(() => {
        if (this.stopping === undefined) this.schedule();
      });
    }, this.options.intervalMs);
  }

  private async refresh(): Promise<void> {
    try {
      this.snapshot = await this.reader.read();
      this.latest = `data: ${JSON.stringify(this.snapshot)}\n\n`;
    } catch (error) {
      this.log.error({ err: error }, 'could not assemble a snapshot');
      return;
    }
    for (const page of this.pages) {
      if (page.writableLength > MAX_UNSENT_BYTES) {
        page.destroy();
        this.pages.delete(page);
      } else page.write(this.latest);
    }
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '').split('?')[0] ?? '';
    const asset = this.assets.get(path);
    if (asset === undefined && path !== EVENTS_PATH && path !== METRICS_PATH) {
      reply(response, 404, 'not found\n');
      return;
    }
    if (request.method !== 'GET') {
      response.setHeader('Allow', 'GET');
      reply(response, 405, 'only GET is served here\n');
      return;
    }
    if (asset !== undefined) {
      response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': asset.contentType });
      response.end(asset.body);
      return;
    }
    if (path === METRICS_PATH) {
      void serveMetrics(this.metrics, response, SECURITY_HEADERS);
      return;
    }
    this.openEvents(request, response);
  }

  private openEvents(request: IncomingMessage, response: ServerResponse): void {
    if (this.stopping !== undefined) {
      reply(response, 503, 'the dashboard is stopping\n');
      return;
    }
    if (this.pages.size >= MAX_EVENT_STREAMS) {
      response.setHeader('Retry-After', '10');
      reply(response, 503, `too many pages open (at most ${MAX_EVENT_STREAMS}): close one and reload\n`);
      return;
    }
    response.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream; charset=utf-8' });
    // The browser reconnects by itself this long after losing the stream.
    response.write('retry: 2000\n\n');
    if (this.latest !== undefined) response.write(this.latest);
    this.pages.add(response);
    request.once('close', () => this.pages.delete(response));
  }
}

function reply(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' });
  response.end(text);
}
