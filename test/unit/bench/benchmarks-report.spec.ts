// BENCHMARKS.md is the harness's output, never edited by hand: the committed file is what the generator
// writes from the committed results.json files, and each table row says what its JSON says.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BENCHMARKS_FILE, benchmarksReport, README_FILE, REPORTED_RESULTS } from '../../../bench/benchmarks-report.ts';
import { HEADLINE_END, HEADLINE_START, readmeHeadline, withHeadline } from '../../../bench/readme-headline.ts';
import type { BenchResults } from '../../../bench/results.ts';
import { formatCount } from '../../../display/index.ts';

const root = new URL('../../../', import.meta.url);
const results = REPORTED_RESULTS.map(
  (entry) => JSON.parse(readFileSync(new URL(entry.json, root), 'utf8')) as BenchResults,
);
const report = benchmarksReport(results);
const count = (value: number) => formatCount(Math.round(value));

/** The table rows of one file size of one run: between its heading and the next heading. */
function sizeRows(runIndex: number, lines: number): string[] {
  const section = report.split(/^## /m)[runIndex + 1] ?? '';
  const table = section.split(/^### /m).find((part) => part.startsWith(`${formatCount(lines)} lines`)) ?? '';
  return table.split('\n').filter((line) => line.startsWith('| '));
}

describe('BENCHMARKS.md', () => {
  it('is exactly what the generator writes from the committed results', () => {
    expect(readFileSync(BENCHMARKS_FILE, 'utf8')).toBe(report);
  });

  it('names the date, the machine and the cluster of each run', () => {
    for (const run of results) {
      expect(report).toContain(
        `${run.date} · ${run.machine.cpus} cores (${run.machine.cpuModel}), ${run.machine.memoryGb} GiB`,
      );
    }
    expect(report).toContain('One Kafka broker;');
    expect(report).toContain('3 Kafka brokers on this machine, topics with 3 replicas;');
  });

  it("shows each stage's figure, its reference and their ratio as the JSON has them", () => {
    results.forEach((run, runIndex) => {
      for (const size of run.sizes) {
        const rows = sizeRows(runIndex, size.lines);
        const row = (stage: string, reference: string) =>
          rows.find((line) => line.startsWith(`| ${stage} |`) && line.includes(`| ${reference} |`));
        const figures = size.figures as Record<string, number>;
        const producer = figures['producer.rate'] as number;
        const producerReference = figures['producer.reference'] as number;
        expect(row('producer: file → Kafka (acks=all, idempotent)', 'Kafka ProducerPerformance')).toBe(
          `| producer: file → Kafka (acks=all, idempotent) | ${count(producer)} | Kafka ProducerPerformance | ${count(producerReference)} | ${(producer / producerReference).toFixed(2)}× | ≥ 0.50× | ${producer / producerReference >= 0.5 ? 'yes' : `no: ${(0.5 / (producer / producerReference)).toFixed(2)}× short`} | ${count(figures['producer.rss'] as number)} |`,
        );
        const consumer = figures['consumer1.rate'] as number;
        const ceiling = figures['consumer.ceiling'] as number;
        expect(row('consumer ×1: Kafka → Redis, exactly once', 'bare kafkajs loop (fetch + decode)')).toContain(
          `| ${count(consumer)} | bare kafkajs loop (fetch + decode) | ${count(ceiling)} | ${(consumer / ceiling).toFixed(2)}× |`,
        );
        // Every measured figure is in its size's table.
        const table = rows.join('\n');
        for (const [name, value] of Object.entries(figures)) {
          expect(table, name).toContain(`| ${count(value)} |`);
        }
        if (size.latency !== undefined) {
          expect(report).toContain(
            `paced at ${count(size.latency.rate)} flows/s (half the end-to-end maximum): p50 ${size.latency.p50Ms.toFixed(1)} ms, p99 ${size.latency.p99Ms.toFixed(1)} ms`,
          );
        }
      }
    });
  });

  it('says under each file size how many runs its figures are the median of', () => {
    const sized: BenchResults = {
      ...(results[0] as BenchResults),
      runs: 3,
      sizes: [
        { ...((results[0] as BenchResults).sizes[0] as BenchResults['sizes'][number]), lines: 1000, runs: 3 },
        { ...((results[0] as BenchResults).sizes[0] as BenchResults['sizes'][number]), lines: 2000, runs: 1 },
      ],
    };
    const text = benchmarksReport([sized]);
    expect(text).toContain('### 1,000 lines\n\nEach figure is the median of 3 runs.\n');
    expect(text).toContain('### 2,000 lines\n\nOne run of each figure.\n');
  });

  it("puts the one-broker run's headline in the README, as the generator writes it", () => {
    const readme = readFileSync(README_FILE, 'utf8');
    const headline = readmeHeadline(results[0] as BenchResults);
    expect(readme).toContain(headline);
    const large = (results[0] as BenchResults).sizes.at(-1) as BenchResults['sizes'][number];
    const figures = large.figures as Record<string, number>;
    const consumer = figures['consumer1.rate'] as number;
    expect(headline).toContain(
      `one member: ${count(consumer)} flows/s,\n  ${(consumer / (figures['consumer.streams'] as number)).toFixed(2)}× a Kafka Streams application`,
    );
    expect(headline).toContain(`over ${formatCount(large.lines)}\ngenerated lines`);
  });

  it('writes the headline only between its markers, and refuses a README without them', () => {
    const readme = `before\n${HEADLINE_START}\nold\n${HEADLINE_END}\nafter\n`;
    expect(withHeadline(readme, `${HEADLINE_START}\nnew\n${HEADLINE_END}`)).toBe(
      `before\n${HEADLINE_START}\nnew\n${HEADLINE_END}\nafter\n`,
    );
    expect(() => withHeadline('no block here', 'x')).toThrow(/no bench:headline block/);
  });
});
