// Replay speed: when each flow is due, for a fixed rate (flows/s) or an event-time speedup.
export type Pace = { readonly rate: number } | { readonly speedup: number };

/**
 * The longest wait a Node timer holds (about 24.8 days): a longer one fires after 1 ms, which would
 * turn a slow replay into a flood. A flow due later than that is sent after the longest wait.
 */
const MAX_WAIT_MS = 2 ** 31 - 1;

export class Pacer {
  private readonly pace: Pace;
  private readonly now: () => number;
  private startedAt = Number.NaN;
  private firstTime = Number.NaN;
  private sent = 0;

  constructor(pace: Pace, now: () => number = () => performance.now()) {
    this.pace = pace;
    this.now = now;
  }

  /** Milliseconds to wait before sending the next flow, whose event time is `time` seconds. */
  delayMs(time: number): number {
    const now = this.now();
    if (Number.isNaN(this.startedAt)) {
      this.startedAt = now;
      this.firstTime = time;
    }
    const dueOffsetMs =
      'rate' in this.pace ? (this.sent * 1000) / this.pace.rate : ((time - this.firstTime) * 1000) / this.pace.speedup;
    this.sent++;
    return Math.min(MAX_WAIT_MS, Math.max(0, this.startedAt + dueOffsetMs - now));
  }
}
