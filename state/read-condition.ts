// Whether the sources a display reads (Redis, Kafka) answer, told once per change of condition: a
// display refreshes every second or so, and a failure told at each refresh drowns the log, while one
// told only at debug is not told at all.
import type { Logger } from '../runtime/index.ts';

export type ViewSource = 'Redis' | 'Kafka';

/** Told each change: `failure` is what a read of `source` failed with, or undefined once it answers again. */
export type ConditionReport = (source: ViewSource, failure: unknown) => void;

/** One line for a failure, as a display shows it. */
export function failureText(failure: unknown): string {
  return failure instanceof Error ? failure.message : String(failure);
}

export class ReadCondition {
  private readonly report: ConditionReport;
  /** The failure text of each source as last told; absent: it answers. */
  private readonly failing = new Map<ViewSource, string>();

  constructor(report: ConditionReport) {
    this.report = report;
  }

  /** Notes how a read of `source` went; tells only a change (another failure counts as one). */
  note(source: ViewSource, failure?: unknown): void {
    const condition = failure === undefined ? undefined : failureText(failure);
    if (this.failing.get(source) === condition) return;
    if (condition === undefined) this.failing.delete(source);
    else this.failing.set(source, condition);
    this.report(source, failure);
  }
}

/** A report as log entries: a failure at warn, its end at info; `who` names the display. */
export function logReadCondition(log: Logger, who: string): ConditionReport {
  return (source, failure) => {
    if (failure === undefined) log.info(`${source} answers again`);
    else log.warn({ err: failure }, `${source} does not answer: ${who} says so and keeps trying`);
  };
}
