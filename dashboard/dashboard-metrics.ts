// The dashboard's `/metrics`: the state of the whole group, read when scraped from the last snapshot the
// dashboard took for its pages (no extra reads of Redis or Kafka). Unknown is absent, never 0: before
// the first snapshot, and while Redis (or, for the lag, Kafka) does not answer.
import type { Registry } from 'prom-client';
import {
  type CounterRow,
  createMetricsRegistry,
  type MetricLabels,
  scrapedCounters,
  scrapedGauge,
  stateWatermarkGauge,
} from '../metrics/index.ts';
import type { Snapshot, SnapshotTotals } from './snapshot.ts';

/** The state's running totals, as the last snapshot read them. */
const STATE_TOTALS: readonly CounterRow<SnapshotTotals>[] = [
  {
    name: 'flowwatch_state_flows_total',
    help: 'Flows counted in the state, by every member of the group.',
    read: (t) => t.flows,
  },
  {
    name: 'flowwatch_state_web_requests_total',
    help: 'Web requests (flows to port 80) counted in the state.',
    read: (t) => t.webRequests,
  },
  {
    name: 'flowwatch_state_invalid_lines_total',
    help: 'Invalid lines the producers dead-lettered, counted in the state.',
    read: (t) => t.invalidLines,
  },
  {
    name: 'flowwatch_state_undecodable_messages_total',
    help: 'Messages of the flow topic no member could read, counted in the state.',
    read: (t) => t.undecodable,
  },
  {
    name: 'flowwatch_state_time_outliers_total',
    help: "Flows whose Time was beyond the consumers' --max-event-time: counted, but in no hour and not in the watermark.",
    read: (t) => t.timeOutliers,
  },
];

export function createDashboardMetrics(latest: () => Snapshot | undefined): Registry {
  const registry = createMetricsRegistry();
  const totals = () => latest()?.totals ?? undefined;
  scrapedCounters(registry, totals, STATE_TOTALS);
  scrapedGauge(registry, {
    name: 'flowwatch_state_web_servers',
    help: "Devices with at least the dashboard's --min-count web requests: the likely web servers.",
    read: () => (totals() === undefined ? undefined : latest()?.devicesAtMinCount),
  });
  scrapedGauge(registry, {
    name: 'flowwatch_state_lag_messages',
    help: 'Messages of each partition not yet applied to the state: its end offset minus the offset the state has reached.',
    labelNames: ['topic', 'partition'],
    read: () =>
      (latest()?.partitions ?? []).map(
        (p) => [{ topic: p.topic, partition: p.partition } as MetricLabels<'topic' | 'partition'>, p.lag] as const,
      ),
  });
  stateWatermarkGauge(registry, () => latest()?.watermark ?? undefined);
  scrapedGauge(registry, {
    name: 'flowwatch_dashboard_redis_up',
    help: "1 if the dashboard's last read of Redis succeeded, 0 if not.",
    read: () => {
      const snapshot = latest();
      return snapshot === undefined ? undefined : Number(snapshot.redisReachable);
    },
  });
  scrapedGauge(registry, {
    name: 'flowwatch_dashboard_kafka_up',
    help: "1 if the dashboard's last read of the partitions' end offsets succeeded, 0 if not.",
    read: () => {
      const snapshot = latest();
      return snapshot === undefined || !snapshot.redisReachable ? undefined : Number(snapshot.kafkaReachable);
    },
  });
  return registry;
}
