// Every few seconds, what the state looks like: the top web servers, flows/s and lag per partition.
// Redrawn in place on a terminal (like a console sink in complete mode), a log line otherwise.

import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import logUpdate from 'log-update';
import {
  deadLetterTopic,
  formatProgress,
  formatRanking,
  type Logger,
  readRanking,
  readTotals,
  stateProgress,
} from '../common/index.ts';

export interface BoardOptions {
  readonly topic: string;
  readonly keyPrefix: string;
  readonly top: number;
  readonly intervalMs: number;
  readonly terminal: boolean;
  /** Flows counted so far by whoever owns the board, for the flows/s figure. */
  readonly flowsCounted: () => number;
}

export class StatusBoard {
  private readonly redis: Redis;
  private readonly admin: Admin;
  private readonly options: BoardOptions;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | undefined;
  private lastFlows = 0;
  private lastAt = performance.now();
  private drawing = false;

  constructor(redis: Redis, admin: Admin, options: BoardOptions, log: Logger) {
    this.redis = redis;
    this.admin = admin;
    this.options = options;
    this.log = log;
  }

  start(): void {
    this.timer = setInterval(() => void this.draw(), this.options.intervalMs);
    this.timer.unref();
  }

  /** Shows the state once more, as it is at the end, and stops. */
  async stop(): Promise<void> {
    if (this.timer === undefined) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.draw();
    if (this.options.terminal) logUpdate.done();
  }

  async draw(): Promise<void> {
    if (this.drawing) return;
    this.drawing = true;
    try {
      const [ranking, totals, progress] = await Promise.all([
        readRanking(this.redis, this.options.keyPrefix, this.options.top),
        readTotals(this.redis, this.options.keyPrefix),
        stateProgress(this.admin, this.redis, this.options.keyPrefix, [
          this.options.topic,
          deadLetterTopic(this.options.topic),
        ]),
      ]);
      const now = performance.now();
      const flows = this.options.flowsCounted();
      const rate = Math.round(((flows - this.lastFlows) * 1000) / Math.max(1, now - this.lastAt));
      this.lastFlows = flows;
      this.lastAt = now;
      if (this.options.terminal) {
        const n = (value: number) => value.toLocaleString('en-US');
        logUpdate(
          [
            `flows ${n(totals.flows)}  web requests ${n(totals.webRequests)}  invalid lines ${n(totals.invalidLines)}  undecodable ${n(totals.undecodable)}  (${n(rate)} flows/s here)`,
            formatRanking(ranking),
            formatProgress(progress),
          ].join('\n'),
        );
      } else {
        this.log.info(
          {
            totals,
            flowsPerSecond: rate,
            top: ranking.map((r) => `${r.device}=${r.webRequests}`),
            lag: Object.fromEntries(progress.map((p) => [`${p.topic}/${p.partition}`, p.lag])),
          },
          'status',
        );
      }
    } catch (error) {
      this.log.debug({ err: error }, 'status board could not read the state');
    } finally {
      this.drawing = false;
    }
  }
}
