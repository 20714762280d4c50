// How figures are shown to people, and the one flows/s computation every display and summary uses.

/** 1234567 → "1,234,567". */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}

/** A rate per second from a count and the milliseconds it took (0 for no time at all). */
export function perSecond(count: number, elapsedMs: number): number {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : 0;
}
