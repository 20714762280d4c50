// `npm start`: the walkthrough, end to end.

export { RunLogs } from './run-logs.ts';
export { runWalkthrough, type WalkthroughOptions } from './walkthrough.ts';
