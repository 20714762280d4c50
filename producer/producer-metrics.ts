// `flowwatch produce`'s progress for Prometheus, read when scraped from the live summary the producer
// keeps up to date anyway (the same one its progress line and final summary show).
import type { Registry } from 'prom-client';
import type { FlowInput } from '../flow/index.ts';
import { type CounterRow, createMetricsRegistry, scrapedCounters, scrapedGauge } from '../metrics/index.ts';
import type { ProduceSummary } from './produce-summary.ts';

interface ProducerRun {
  readonly summary: ProduceSummary;
  readonly input: FlowInput;
}

/** The run's running totals. */
const RUN_TOTALS: readonly CounterRow<ProducerRun>[] = [
  {
    name: 'flowwatch_producer_lines_read_total',
    help: 'Lines read from the input so far.',
    read: (run) => run.summary.linesRead,
  },
  {
    name: 'flowwatch_producer_flows_published_total',
    help: 'Flows published to the topic and acknowledged by the brokers.',
    read: (run) => run.summary.flowsPublished,
  },
  {
    name: 'flowwatch_producer_invalid_lines_total',
    help: 'Invalid lines found, each published to the dead-letter topic.',
    read: (run) => run.summary.invalidLines,
  },
  {
    name: 'flowwatch_producer_skipped_lines_total',
    help: 'Lines skipped: blank lines and a header line.',
    read: (run) => run.summary.skippedLines,
  },
  {
    name: 'flowwatch_producer_read_bytes_total',
    help: 'Bytes of the input read so far (compressed bytes for a gzip file).',
    read: (run) => run.input.bytesRead(),
  },
];

export function createProducerMetrics(summary: ProduceSummary, input: FlowInput): Registry {
  const registry = createMetricsRegistry();
  const run = { summary, input };
  scrapedCounters(registry, () => run, RUN_TOTALS);
  scrapedGauge(registry, {
    name: 'flowwatch_producer_last_line_delivered',
    help: 'Every line up to this line number is delivered (or skipped): where a re-run would pick up.',
    read: () => summary.lastLineDelivered,
  });
  scrapedGauge(registry, {
    name: 'flowwatch_producer_input_size_bytes',
    help: 'Size of the input file on disk; absent for standard input.',
    read: () => input.sizeBytes,
  });
  return registry;
}
