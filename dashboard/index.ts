// The live dashboard: a small read-only web server that shows the state as it grows.
export { type DashboardCommandOptions, runDashboard } from './dashboard-command.ts';
export { type DashboardOptions, DashboardServer } from './dashboard-server.ts';
export { hourlySeries } from './hourly-series.ts';
export { MAX_EVENT_STREAMS } from './page-limits.ts';
export type { Snapshot } from './snapshot.ts';
export { HOURS_SHOWN } from './snapshot-reader.ts';
