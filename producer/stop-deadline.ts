// The bound on deliveries after a stop signal: waits for work end early once the bound has passed.
//
// Each wait leaves nothing behind once its work settles. A paced producer waits on a delivery many
// times a second for hours: racing each one against a single promise that stays pending until the
// bound runs out (usually never) would leave a reaction on that promise per wait, and the heap would
// grow for as long as the run lasts.
export class StopDeadline {
  /** True once the bound after the stop signal has passed. */
  expired = false;
  private timer: NodeJS.Timeout | undefined;
  /** The waits in progress: each one's early release, removed as soon as its work settles. */
  private readonly waiting = new Set<() => void>();
  private readonly signal: AbortSignal | undefined;
  private readonly onAbort: () => void;

  constructor(signal: AbortSignal | undefined, boundMs: number) {
    this.signal = signal;
    this.onAbort = () => {
      this.timer = setTimeout(() => {
        this.expired = true;
        for (const release of this.waiting) release();
        this.waiting.clear();
      }, boundMs);
    };
    if (signal?.aborted) this.onAbort();
    else signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Waits for `work`, or until the bound after a stop signal has passed; rejects as `work` does. */
  async race(work: Promise<unknown> | undefined): Promise<void> {
    if (work === undefined || this.expired) return;
    let release: () => void = () => {};
    const gaveUp = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.waiting.add(release);
    try {
      await Promise.race([work, gaveUp]);
    } finally {
      // The pending `gaveUp` and its reaction are unreachable from here on, and collected.
      this.waiting.delete(release);
    }
  }

  /** How many waits are in progress (for tests: none once every work has settled). */
  get waits(): number {
    return this.waiting.size;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}
