// Every few seconds, what the state looks like: the top web servers, flows/s and lag per partition.
// Redrawn in place on a terminal (like a console sink in complete mode), a log line otherwise.
// The flows/s are this member's, counted from its batch events.
import type { Admin } from 'kafkajs';
import logUpdate from 'log-update';
import { FlowRate, formatCount as n } from '../display/index.ts';
import { TopicSet } from '../kafka/index.ts';
import type { Logger } from '../runtime/index.ts';
import { formatProgress, formatRanking, type StateReader, stateProgress } from '../state/index.ts';
import { ConsumerEvents, type ConsumerInstrumentation } from './consumer-events.ts';

export interface BoardOptions {
  readonly topic: string;
  readonly top: number;
  readonly intervalMs: number;
  readonly terminal: boolean;
}

export class StatusBoard {
  private readonly state: StateReader;
  private readonly admin: Admin;
  private readonly options: BoardOptions;
  private readonly log: Logger;
  private readonly rate: FlowRate;
  private flowsApplied = 0;
  private timer: NodeJS.Timeout | undefined;
  private drawing = false;

  constructor(state: StateReader, admin: Admin, events: ConsumerInstrumentation, options: BoardOptions, log: Logger) {
    this.state = state;
    this.admin = admin;
    this.options = options;
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
      const [ranking, totals, progress] = await Promise.all([
        this.state.ranking(this.options.top),
        this.state.totals(),
        stateProgress(this.admin, this.state, new TopicSet(this.options.topic).names),
      ]);
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
