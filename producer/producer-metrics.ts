// `flowwatch produce`'s progress for Prometheus, read when scraped from the live summary the producer
// keeps up to date anyway (the same one its progress line and final summary show).
import type { Registry } from 'prom-client';
import type { FlowInput } from '../flow/index.ts';
import { createMetricsRegistry, scrapedCounter, scrapedGauge } from '../metrics/index.ts';
import type { ProduceSummary } from './produce-summary.ts';

export function createProducerMetrics(summary: ProduceSummary, input: FlowInput): Registry {
  const registry = createMetricsRegistry();
  const total = (name: string, help: string, read: () => number) => scrapedCounter(registry, { name, help, read });

  total('flowwatch_producer_lines_read_total', 'Lines read from the input so far.', () => summary.linesRead);
  total(
    'flowwatch_producer_flows_published_total',
    'Flows published to the topic and acknowledged by the brokers.',
    () => summary.flowsPublished,
  );
  total(
    'flowwatch_producer_invalid_lines_total',
    'Invalid lines found, each published to the dead-letter topic.',
    () => summary.invalidLines,
  );
  total(
    'flowwatch_producer_skipped_lines_total',
    'Lines skipped: blank lines and a header line.',
    () => summary.skippedLines,
  );
  total(
    'flowwatch_producer_read_bytes_total',
    'Bytes of the input read so far (compressed bytes for a gzip file).',
    () => input.bytesRead(),
  );
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
