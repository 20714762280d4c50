// `flowwatch consume`'s metrics for Prometheus, read when scraped from the statistics kept from the
// member's events (the same ones its stop summary shows): the hot path does no work for them. The
// watermark is the state's, read from Redis at the scrape.
import type { Registry } from 'prom-client';
import {
  type CounterRow,
  createMetricsRegistry,
  scrapedCounter,
  scrapedCounters,
  scrapedGauge,
  stateWatermarkGauge,
} from '../metrics/index.ts';
import { settlesWithin } from '../runtime/index.ts';
import { partitionOf } from '../state/index.ts';
import type { RefusalReason } from './consumer-events.ts';
import type { ConsumerStats } from './consumer-stats.ts';
import { LatencyMetric } from './latency-metric.ts';

/** What the metrics read: the member's statistics, and the partitions it holds. */
export interface ConsumerMetricsSource {
  readonly stats: ConsumerStats;
  readonly partitionsOwned: ReadonlyMap<string, number>;
}

/** A scrape waits this long for the watermark from Redis, then reports the last one it read. */
const WATERMARK_READ_MS = 1000;

const REFUSAL_REASONS: readonly RefusalReason[] = ['offset-mismatch', 'fenced'];

/** The member's running totals, each read from its statistics. */
const MEMBER_TOTALS: readonly CounterRow<ConsumerStats>[] = [
  {
    name: 'flowwatch_consumer_flows_total',
    help: 'Flows this member applied to the state.',
    read: (s) => s.flowsApplied,
  },
  {
    name: 'flowwatch_consumer_web_requests_total',
    help: 'Web requests (flows to port 80) this member applied to the state.',
    read: (s) => s.webRequestsApplied,
  },
  {
    name: 'flowwatch_consumer_invalid_lines_total',
    help: "Invalid lines this member counted from the producer's dead letters.",
    read: (s) => s.invalidLinesApplied,
  },
  {
    name: 'flowwatch_consumer_undecodable_messages_total',
    help: 'Messages of the flow topic this member could not read: dead-lettered and counted.',
    read: (s) => s.undecodable,
  },
  {
    name: 'flowwatch_consumer_time_outliers_total',
    help: 'Flows this member applied whose Time is past --max-event-time: in the totals, kept out of the hourly series.',
    read: (s) => s.timeOutliers,
  },
  {
    name: 'flowwatch_consumer_batches_applied_total',
    help: 'Partition batches this member applied to Redis with their offsets.',
    read: (s) => s.batchesApplied,
  },
];

export function createConsumerMetrics(
  member: ConsumerMetricsSource,
  readWatermark: () => Promise<number | undefined>,
): Registry {
  const registry = createMetricsRegistry();
  const { stats } = member;
  scrapedCounters(registry, () => stats, MEMBER_TOTALS);
  scrapedCounter(registry, {
    name: 'flowwatch_consumer_batches_refused_total',
    help: 'Partition batches Redis refused, by reason: offset-mismatch (not at the stored offset) or fenced (another member owns the partition).',
    labelNames: ['reason'],
    read: () => REFUSAL_REASONS.map((reason) => [{ reason }, stats.batchesRefusedBy[reason]] as const),
  });
  scrapedGauge(registry, {
    name: 'flowwatch_consumer_lag_messages',
    help: "Messages behind the end of each partition this member owns, as of that partition's last batch.",
    labelNames: ['topic', 'partition'],
    read: () =>
      stats
        .lagOf(member.partitionsOwned.keys())
        .map(({ topic, partition, lag }) => [{ topic, partition }, lag] as const),
  });
  scrapedGauge(registry, {
    name: 'flowwatch_consumer_partitions_owned',
    help: 'Partitions this member holds under its fencing epoch, by topic.',
    labelNames: ['topic'],
    read: () => {
      const owned = new Map<string, number>();
      for (const id of member.partitionsOwned.keys()) {
        const { topic } = partitionOf(id);
        owned.set(topic, (owned.get(topic) ?? 0) + 1);
      }
      return [...owned].map(([topic, count]) => [{ topic }, count] as const);
    },
  });
  scrapedGauge(registry, {
    name: 'flowwatch_consumer_fencing_epoch',
    help: 'The newest fencing epoch this member took (a new one at every group join); absent before its first.',
    read: () => (stats.fencingEpoch > 0 ? stats.fencingEpoch : undefined),
  });
  new LatencyMetric(
    registry,
    'flowwatch_consumer_event_latency_seconds',
    "From a message's publish time (its Kafka timestamp) to the moment its batch was applied in Redis.",
    stats.latency,
  );
  let watermark: number | undefined;
  stateWatermarkGauge(registry, async () => {
    // Redis away or slow: the scrape still answers, with the last watermark read.
    const reading = readWatermark().then(
      (value) => {
        watermark = value;
      },
      () => undefined,
    );
    await settlesWithin(reading, WATERMARK_READ_MS);
    return watermark;
  });
  return registry;
}
