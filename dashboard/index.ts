// The live dashboard: a small read-only web server that shows the state as it grows.
export { type DashboardCommandOptions, runDashboard } from './dashboard-command.ts';
export { type DashboardOptions, DashboardServer, MAX_EVENT_STREAMS } from './dashboard-server.ts';
export { hourlySeries } from './hourly-series.ts';
export type { Snapshot } from './snapshot.ts';
export { HOURS_SHOWN } from './snapshot-reader.ts';
