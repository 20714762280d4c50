// A member's running totals, kept from its events: what its metrics, its status board and its stop
// summary report. The hot path does nothing for them but emit the batch event it emits anyway.
import { partitionOf } from '../state/index.ts';
import {
  type BatchApplied,
  ConsumerEvents,
  type ConsumerInstrumentation,
  type RefusalReason,
} from './consumer-events.ts';
import { LatencyHistogram } from './latency-histogram.ts';

export class ConsumerStats {
  flowsApplied = 0;
  webRequestsApplied = 0;
  /** Lines the producer dead-lettered, counted from the dead-letter topic. */
  invalidLinesApplied = 0;
  undecodable = 0;
  /** Flows past --max-event-time, kept out of the hourly series. */
  timeOutliers = 0;
  batchesApplied = 0;
  readonly batchesRefusedBy: Record<RefusalReason, number> = { 'offset-mismatch': 0, fenced: 0 };
  /** Messages behind the end of each partition, as of its last batch applied. */
  readonly lag = new Map<string, number>();
  /** From each flow's publish time (its Kafka timestamp) to the moment its count was applied. */
  readonly latency = new LatencyHistogram();
  /** The newest fencing epoch the member took; 0 before its first claim. */
  fencingEpoch = 0;

  constructor(events: ConsumerInstrumentation) {
    events.on(ConsumerEvents.BATCH_APPLIED, ({ payload }) => this.applied(payload));
    events.on(ConsumerEvents.BATCH_REFUSED, ({ payload }) => {
      this.batchesRefusedBy[payload.reason]++;
    });
    events.on(ConsumerEvents.PARTITIONS_CLAIMED, ({ payload }) => {
      this.fencingEpoch = Math.max(this.fencingEpoch, payload.epoch);
    });
  }

  get batchesRefused(): number {
    return this.batchesRefusedBy['offset-mismatch'] + this.batchesRefusedBy.fenced;
  }

  /** The lag of each partition the member owns, by topic and partition. */
  lagOf(owned: Iterable<string>): { topic: string; partition: number; lag: number }[] {
    const lags = [];
    for (const id of owned) {
      const lag = this.lag.get(id);
      if (lag !== undefined) lags.push({ ...partitionOf(id), lag });
    }
    return lags;
  }

  private applied(batch: BatchApplied): void {
    this.batchesApplied++;
    this.flowsApplied += batch.flows;
    this.webRequestsApplied += batch.webRequests;
    this.invalidLinesApplied += batch.invalidLines;
    this.undecodable += batch.undecodable;
    this.timeOutliers += batch.timeOutliers;
    this.lag.set(batch.partition, batch.lag);
    this.latency.merge(batch.latency);
  }
}
