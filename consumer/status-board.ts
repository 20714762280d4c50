// Every few seconds, what the state looks like: the top web servers, flows/s and lag per partition.
// Redrawn in place on a terminal (like a console sink in complete mode), a log line otherwise.
// The flows/s are this member's, counted from its batch events.
import type { Admin } from 'kafkajs';
import logUpdate from 'log-update';
import { FlowRate, formatCount as n } from '../display/index.ts';
import { TopicSet } from '../kafka/index.ts';
import type { Logger } from '../runtime/index.ts';
import {
  failureText,
  formatProgress,
  formatRanking,
  logReadCondition,
  type StateReader,
  type StateView,
  StateViewReader,
} from '../state/index.ts';
import { ConsumerEvents, type ConsumerInstrumentation } from './consumer-events.ts';

export interface BoardOptions {
  readonly topic: string;
  readonly top: number;
  readonly intervalMs: number;
  readonly terminal: boolean;
}

export class StatusBoard {
  private readonly view: StateViewReader;
  private readonly options: BoardOptions;
  private readonly log: Logger;
  private readonly rate: FlowRate;
  private flowsApplied = 0;
  private timer: NodeJS.Timeout | undefined;
  private drawing = false;

  constructor(state: StateReader, admin: Admin, events: ConsumerInstrumentation, options: BoardOptions, log: Logger) {
    this.options = options;
    this.view = new StateViewReader(
      state,
      {
        top: options.top,
        minCount: 0,
        topics: new TopicSet(options.topic).names,
        readTimeoutMs: Math.max(1000, 2 * options.intervalMs),
      },
      logReadCondition(log, 'the status board'),
      { admin: async () => admin },
    );
    this.log = log;
    this.rate = new FlowRate(options.intervalMs);
    events.on(ConsumerEvents.BATCH_APPLIED, ({ payload }) => {
      this.flowsApplied += payload.flows;
    });
  }

  start(): void {
    this.rate.record(this.flowsApplied, performance.now());
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
      let view: StateView;
      try {
        view = await this.view.read();
      } catch (error) {
        // Logged once by the view; a terminal shows it in place of the board until Redis answers.
        if (this.options.terminal)
          logUpdate(`  the state cannot be read: ${failureText(error)} (shown again once it can)`);
        return;
      }
      const { ranking, totals, progress } = view;
      const rate = Math.round(this.rate.record(this.flowsApplied, performance.now()) ?? 0);
      if (this.options.terminal) {
        logUpdate(
          [
            `flows ${n(totals.flows)}  web requests ${n(totals.webRequests)}  invalid lines ${n(totals.invalidLines)}  undecodable ${n(totals.undecodable)}  time outliers ${n(totals.timeOutliers)}  (${n(rate)} flows/s here)`,
            formatRanking(ranking),
            formatProgress(progress),
          ].join('\n'),
        );
      } else {
        this.log.info(
          {
            totals,
            flowsPerSecond: rate,
            // As they are: the JSON encoding escapes them; printable is for a terminal, not a log reader.
            top: ranking.map((r) => `${r.device}=${r.webRequests}`),
            lag: progress && Object.fromEntries(progress.map((p) => [`${p.topic}/${p.partition}`, p.lag])),
          },
          'status',
        );
      }
    } finally {
      this.drawing = false;
    }
  }
}
