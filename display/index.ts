// How figures and names from the data are shown to people.
export { FlowRate } from './flow-rate.ts';
export { formatCount, perSecond } from './number-format.ts';
export { printable } from './printable-text.ts';
