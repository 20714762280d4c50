// `flowwatch dashboard`: serves the live page until SIGINT/SIGTERM, then stops gracefully.
import type { Config } from '../config/index.ts';
import { type Logger, onStopSignals } from '../runtime/index.ts';
import { DashboardServer } from './dashboard-server.ts';

export interface DashboardCommandOptions {
  readonly host: string;
  readonly port: number;
  readonly top: number;
  readonly minCount: number;
  readonly intervalMs: number;
}

export async function runDashboard(config: Config, log: Logger, options: DashboardCommandOptions): Promise<void> {
  const stop = onStopSignals(log);
  try {
    const dashboard = await DashboardServer.start(config, log, { ...options, anyPortIfTaken: false });
    process.stdout.write(`dashboard: ${dashboard.url}\n`);
    await stop.stopped();
    await dashboard.stop();
  } finally {
    stop.dispose();
  }
}
