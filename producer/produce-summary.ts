// What a produce run did, counted as it goes.
export interface ProduceSummary {
  source: string;
  topic: string;
  linesRead: number;
  flowsPublished: number;
  invalidLines: number;
  skippedLines: number;
  /** Last line whose message (flow or dead letter) the broker acknowledged. */
  lastLineDelivered: number;
  elapsedSeconds: number;
  flowsPerSecond: number;
  /** False when a stop signal ended the run before the end of the input. */
  complete: boolean;
}

export function formatSummary(summary: ProduceSummary): string {
  const n = (value: number) => value.toLocaleString('en-US');
  return [
    `${summary.complete ? 'produced' : 'stopped early:'} ${n(summary.flowsPublished)} flows from ${summary.source} to ${summary.topic}`,
    `  lines read ${n(summary.linesRead)}, invalid ${n(summary.invalidLines)} (dead-lettered), skipped ${n(summary.skippedLines)} (blank or header)`,
    `  last line delivered ${n(summary.lastLineDelivered)}, ${summary.elapsedSeconds.toFixed(1)} s, ${n(Math.round(summary.flowsPerSecond))} flows/s`,
  ].join('\n');
}
