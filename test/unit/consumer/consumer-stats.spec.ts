import { describe, expect, it } from 'vitest';
import { ConsumerEvents, consumerInstrumentation } from '../../../consumer/consumer-events.ts';
import { createConsumerMetrics } from '../../../consumer/consumer-metrics.ts';
import { ConsumerStats } from '../../../consumer/consumer-stats.ts';
import { LatencyHistogram } from '../../../consumer/latency-histogram.ts';

function batch(flows: number, timeOutliers: number) {
  return {
    partition: 'flows:0',
    from: 0,
    next: flows,
    flows,
    webRequests: 1,
    invalidLines: 0,
    undecodable: 0,
    timeOutliers,
    lag: 0,
    durationMs: 1,
    latency: new LatencyHistogram(),
  };
}

describe("a member's statistics", () => {
  it('count the time outliers of the batches it applied, and its metrics report them', async () => {
    const events = consumerInstrumentation();
    const stats = new ConsumerStats(events);
    events.emit(ConsumerEvents.BATCH_APPLIED, batch(10, 2));
    events.emit(ConsumerEvents.BATCH_APPLIED, batch(5, 3));
    expect(stats.timeOutliers).toBe(5);
    const registry = createConsumerMetrics({ stats, partitionsOwned: new Map() }, async () => undefined);
    const lines = (await registry.metrics()).split('\n');
    expect(lines).toContain('flowwatch_consumer_time_outliers_total 5');
    expect(lines).toContain('flowwatch_consumer_flows_total 15');
  });
});
