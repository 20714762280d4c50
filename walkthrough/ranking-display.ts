// The walkthrough's live view: the ranking as it grows, with flows/s and lag; redrawn in place on a
// terminal, a compact line a second otherwise. It only formats the state view the walkthrough reads
// (a view it cannot read ends the walkthrough with its reason, see catch-up-watch.ts).
import logUpdate from 'log-update';
import { FlowRate, formatCount as n, printable } from '../display/index.ts';
import { formatProgress, formatRanking, type StateView } from '../state/index.ts';

export interface DisplayOptions {
  readonly minCount: number;
  readonly terminal: boolean;
}

const PLAIN_INTERVAL_MS = 1000;
/** Flows/s are averaged over this long. */
const RATE_WINDOW_MS = 1000;

export class RankingDisplay {
  private readonly topic: string;
  private readonly options: DisplayOptions;
  private readonly rate = new FlowRate(RATE_WINDOW_MS);
  // The first line is printed at once, however soon after the process started.
  private lastPrinted = Number.NEGATIVE_INFINITY;

  constructor(topic: string, options: DisplayOptions) {
    this.topic = topic;
    this.options = options;
  }

  draw(view: StateView): void {
    const { ranking, totals, devicesAtMinCount: devices, progress } = view;
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
}
