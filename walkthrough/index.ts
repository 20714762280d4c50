// `npm start`: the walkthrough, end to end.
export { runWalkthrough, type WalkthroughOptions } from './walkthrough.ts';
