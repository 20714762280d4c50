// A rate of change per second of an ever-growing count (flows produced, flows counted), over a short
// window so that consumers applying whole batches do not make the figure jump between 0 and a peak.
import { perSecond } from './number-format.ts';

interface Reading {
  readonly value: number;
  readonly atMs: number;
}

export class FlowRate {
  private readonly windowMs: number;
  private readings: Reading[] = [];

  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  /**
   * Records `value` read at `atMs` (a monotonic clock) and returns the rate over the window, or null
   * while there is no earlier reading to compare with.
   */
  record(value: number, atMs: number): number | null {
    const last = this.readings.at(-1);
    // A count that went down was reset (a fresh run recreated the topic or deleted the keys):
    // readings from before say nothing about the rate now.
    if (last !== undefined && (value < last.value || atMs <= last.atMs)) this.readings = [];
    this.readings.push({ value, atMs });
    // Keep the newest reading at or beyond the window's start, so the window is always covered.
    while (this.readings.length > 2 && atMs - (this.readings[1] as Reading).atMs >= this.windowMs)
      this.readings.shift();
    const first = this.readings[0] as Reading;
    if (this.readings.length < 2) return null;
    return perSecond(value - first.value, atMs - first.atMs);
  }
}
