// Shows a produce run as it goes: a live line on a terminal, a structured log line every few seconds otherwise.
import cliProgress from 'cli-progress';
import { FlowRate, formatCount as n } from '../display/index.ts';
import type { FlowInput } from '../flow/index.ts';
import type { Logger } from '../runtime/index.ts';
import type { ProduceSummary } from './produce-summary.ts';

const TERMINAL_REFRESH_MS = 250;
const LOG_INTERVAL_MS = 5000;

export class ProduceProgress {
  private readonly input: FlowInput;
  private readonly summary: ProduceSummary;
  private readonly log: Logger;
  private readonly bar: cliProgress.SingleBar | undefined;
  /** How often the line is redrawn, or the log line written. */
  private readonly intervalMs: number;
  /** Flows/s over the last interval. */
  private readonly flowRate: FlowRate;
  private timer: NodeJS.Timeout | undefined;
  private rate = 0;

  constructor(input: FlowInput, summary: ProduceSummary, log: Logger, terminal: boolean) {
    this.input = input;
    this.summary = summary;
    this.log = log;
    this.intervalMs = terminal ? TERMINAL_REFRESH_MS : LOG_INTERVAL_MS;
    this.flowRate = new FlowRate(this.intervalMs);
    if (terminal) {
      const share = input.sizeBytes === undefined ? '' : '{bar} {percentage}% | ';
      const already = summary.resumed ? ' | {already} already in the topic' : '';
      this.bar = new cliProgress.SingleBar(
        {
          format: `${share}{lines} lines | {published} flows | {rate} flows/s | {invalid} invalid${already}`,
          stream: process.stderr,
          hideCursor: true,
          clearOnComplete: true,
          barsize: 24,
          fps: 1000 / TERMINAL_REFRESH_MS,
        },
        cliProgress.Presets.shades_classic,
      );
    }
  }

  start(): void {
    this.flowRate.record(this.summary.flowsPublished, performance.now());
    this.bar?.start(this.input.sizeBytes ?? 1, 0, this.payload());
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    this.bar?.stop();
  }

  private tick(): void {
    this.rate = this.flowRate.record(this.summary.flowsPublished, performance.now()) ?? 0;
    if (this.bar !== undefined) {
      this.bar.update(this.input.sizeBytes === undefined ? 0 : this.input.bytesRead(), this.payload());
      return;
    }
    this.log.info(
      {
        linesRead: this.summary.linesRead,
        flowsPublished: this.summary.flowsPublished,
        invalidLines: this.summary.invalidLines,
        ...(this.summary.resumed
          ? {
              flowsAlreadyInTopic: this.summary.flowsAlreadyInTopic,
              invalidLinesAlreadyInTopic: this.summary.invalidLinesAlreadyInTopic,
            }
          : {}),
        flowsPerSecond: Math.round(this.rate),
        bytesRead: this.input.bytesRead(),
        sizeBytes: this.input.sizeBytes,
      },
      'producing',
    );
  }

  private payload(): Record<string, string> {
    return {
      lines: n(this.summary.linesRead),
      published: n(this.summary.flowsPublished),
      rate: n(Math.round(this.rate)),
      invalid: n(this.summary.invalidLines),
      already: n(this.summary.flowsAlreadyInTopic),
    };
  }
}
