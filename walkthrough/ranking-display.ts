// The walkthrough's live view: the ranking as it grows, with flows/s and lag; redrawn in place on a
// terminal, a compact line a second otherwise. A state it cannot read is shown, not skipped: in place
// of the ranking on a terminal, in a line of its own (once while it lasts) otherwise.
import logUpdate from 'log-update';
import { FlowRate, formatCount as n, printable } from '../display/index.ts';
import {
  type ConditionReport,
  failureText,
  formatProgress,
  formatRanking,
  type PartitionProgress,
  type StateReader,
  type StateView,
  StateViewReader,
} from '../state/index.ts';

export interface DisplayOptions {
  readonly top: number;
  readonly minCount: number;
  readonly terminal: boolean;
}

const PLAIN_INTERVAL_MS = 1000;
/** Flows/s are averaged over this long. */
const RATE_WINDOW_MS = 1000;
/** A read that takes longer is shown as failed: the walkthrough's loop must not hang on a dead connection. */
const READ_TIMEOUT_MS = 5000;

export class RankingDisplay {
  private readonly view: StateViewReader;
  private readonly topic: string;
  private readonly options: DisplayOptions;
  private readonly rate = new FlowRate(RATE_WINDOW_MS);
  // The first line is printed at once, however soon after the process started.
  private lastPrinted = Number.NEGATIVE_INFINITY;

  constructor(state: StateReader, topic: string, options: DisplayOptions) {
    this.topic = topic;
    this.options = options;
    const { top, minCount } = options;
    // Progress comes from the walkthrough, which reads it anyway to know when the state has caught up.
    this.view = new StateViewReader(state, { top, minCount, topics: [], readTimeoutMs: READ_TIMEOUT_MS }, this.tell);
  }

  async draw(progress: readonly PartitionProgress[] | undefined): Promise<void> {
    let view: StateView;
    try {
      view = await this.view.read();
    } catch (error) {
      if (this.options.terminal) logUpdate(unreadable(error));
      return; // Otherwise told once by `tell`; the next refresh tries again.
    }
    const { ranking, totals, devicesAtMinCount: devices } = view;
    const now = performance.now();
    const rate = Math.round(this.rate.record(totals.flows, now) ?? 0);
    const lag = progress?.filter((p) => p.topic === this.topic).reduce((sum, p) => sum + p.lag, 0) ?? 0;
    const headline = `counted ${n(totals.flows)} flows, ${n(totals.webRequests)} port-80 flows, ${n(devices)} devices with >= ${this.options.minCount} | ${n(rate)} flows/s | lag ${n(lag)}`;
    if (this.options.terminal) {
      logUpdate([headline, formatRanking(ranking), progress === undefined ? '' : formatProgress(progress)].join('\n'));
      return;
    }
    if (now - this.lastPrinted < PLAIN_INTERVAL_MS) return;
    this.lastPrinted = now;
    const top = ranking
      .slice(0, 5)
      .map((r) => `${printable(r.device)}=${n(r.webRequests)}`)
      .join(' ');
    process.stdout.write(`${headline} | top ${top}\n`);
  }

  done(): void {
    if (this.options.terminal) logUpdate.done();
  }

  /** A line when Redis stops answering (or fails otherwise); its return shows as the ranking again. */
  private readonly tell: ConditionReport = (_source, failure) => {
    if (failure !== undefined && !this.options.terminal) process.stdout.write(`${unreadable(failure)}\n`);
  };
}

function unreadable(failure: unknown): string {
  return `the state cannot be read: ${failureText(failure)} (the ranking shows again once it can)`;
}
