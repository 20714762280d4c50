// Logs rejected lines or messages without flooding: the first few one by one, then a count per interval.
import type { Logger } from '../runtime/index.ts';

const LOGGED_ONE_BY_ONE = 20;
const SUMMARY_INTERVAL_MS = 5000;

export class RejectionLog {
  private readonly log: Logger;
  private logged = 0;
  private unlogged = 0;
  private lastSummary = 0;

  constructor(log: Logger) {
    this.log = log;
  }

  reject(details: Record<string, unknown>, reason: string): void {
    if (this.logged < LOGGED_ONE_BY_ONE) {
      this.logged++;
      this.log.warn({ ...details, reason }, 'rejected');
      return;
    }
    this.unlogged++;
    const now = Date.now();
    if (now - this.lastSummary >= SUMMARY_INTERVAL_MS) this.flush(now);
  }

  /** Reports rejections not logged one by one. */
  flush(now = Date.now()): void {
    if (this.unlogged === 0) return;
    this.log.warn({ count: this.unlogged }, 'more rejected (see the dead-letter topic for each)');
    this.unlogged = 0;
    this.lastSummary = now;
  }
}
