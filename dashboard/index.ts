// The live dashboard: a small read-only web server that shows the state as it grows.
export { parseCheck } from './check-result.ts';
export { type DashboardCommandOptions, runDashboard } from './dashboard-command.ts';
export { type DashboardOptions, DashboardServer } from './dashboard-server.ts';
export { FlowRate } from './flow-rate.ts';
export { hourlySeries, hoursInOrder } from './hourly-series.ts';
export type { CheckResult, Snapshot } from './snapshot.ts';
