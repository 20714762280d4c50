// The walkthrough's live view: the ranking as it grows, with flows/s and lag; redrawn in place on a
// terminal, a compact line a second otherwise.
import type { Redis } from 'ioredis';
import logUpdate from 'log-update';
import {
  countDevices,
  formatProgress,
  formatRanking,
  type PartitionProgress,
  readRanking,
  readTotals,
} from '../common/index.ts';

export interface DisplayOptions {
  readonly top: number;
  readonly minCount: number;
  readonly terminal: boolean;
}

const PLAIN_INTERVAL_MS = 1000;

export class RankingDisplay {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly topic: string;
  private readonly options: DisplayOptions;
  private lastFlows = 0;
  private lastAt = performance.now();
  private lastPrinted = 0;

  constructor(redis: Redis, prefix: string, topic: string, options: DisplayOptions) {
    this.redis = redis;
    this.prefix = prefix;
    this.topic = topic;
    this.options = options;
  }

  async draw(progress: readonly PartitionProgress[] | undefined): Promise<void> {
    let state: Awaited<ReturnType<typeof this.read>>;
    try {
      state = await this.read();
    } catch {
      return; // Redis away for a moment: the next refresh shows it again.
    }
    const { ranking, totals, devices } = state;
    const now = performance.now();
    const rate = Math.round(((totals.flows - this.lastFlows) * 1000) / Math.max(1, now - this.lastAt));
    this.lastFlows = totals.flows;
    this.lastAt = now;
    const n = (value: number) => value.toLocaleString('en-US');
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
      .map((r) => `${r.device}=${n(r.webRequests)}`)
      .join(' ');
    process.stdout.write(`${headline} | top ${top}\n`);
  }

  done(): void {
    if (this.options.terminal) logUpdate.done();
  }

  private async read() {
    const [ranking, totals, devices] = await Promise.all([
      readRanking(this.redis, this.prefix, this.options.top),
      readTotals(this.redis, this.prefix),
      countDevices(this.redis, this.prefix, this.options.minCount),
    ]);
    return { ranking, totals, devices };
  }
}
