import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { type MetricLabels, scrapedCounter, scrapedGauge } from '../../../metrics/index.ts';

/** The sample lines of one scrape (no HELP or TYPE). */
async function samples(registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

describe('scraped counters and gauges', () => {
  it('report what their reading says at each scrape: one number, one per label set, or no sample', async () => {
    const registry = new Registry();
    let total: number | undefined = 5;
    let perPartition: [MetricLabels<'partition'>, number][] | undefined = [[{ partition: 0 }, 3]];
    scrapedCounter(registry, { name: 'flowwatch_test_total', help: 'a total', read: () => total });
    scrapedGauge(registry, {
      name: 'flowwatch_test_lag',
      help: 'per partition',
      labelNames: ['partition'],
      read: async () => perPartition,
    });
    expect(await samples(registry)).toEqual(['flowwatch_test_total 5', 'flowwatch_test_lag{partition="0"} 3']);

    // Set afresh, not added to: a total that starts again from 0 is a counter reset.
    total = 2;
    perPartition = [
      [{ partition: 1 }, 7],
      [{ partition: 2 }, 0],
    ];
    expect(await samples(registry)).toEqual([
      'flowwatch_test_total 2',
      'flowwatch_test_lag{partition="1"} 7',
      'flowwatch_test_lag{partition="2"} 0',
    ]);

    total = undefined;
    perPartition = undefined;
    expect(await samples(registry)).toEqual([]);
  });
});
