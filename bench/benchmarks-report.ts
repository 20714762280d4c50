// BENCHMARKS.md, written from the committed bench/results.json files so the published figures are
// always the measured ones; `npm run bench` rewrites it after a run, `--report-only` without one.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readmeHeadline, withHeadline } from './readme-headline.ts';
import { type BenchResults, resultSections } from './results.ts';

/** The measurements the report is made of: each harness output folder, in the order shown. */
export const REPORTED_RESULTS = [
  { heading: 'One broker', json: 'bench/results.json' },
  { heading: 'Three brokers', json: 'bench/three-brokers/results.json' },
] as const;

export const BENCHMARKS_FILE = fileURLToPath(new URL('../BENCHMARKS.md', import.meta.url));
export const README_FILE = fileURLToPath(new URL('../README.md', import.meta.url));

/** The report's text from the given results, one section per entry of REPORTED_RESULTS. */
export function benchmarksReport(results: readonly BenchResults[]): string {
  const lines = [
    '<!-- Written by bench/benchmarks-report.ts from bench/results.json and bench/three-brokers/results.json;',
    '     do not edit: `npm run bench -- --report-only` writes it again. -->',
    '# flowwatch benchmarks',
    '',
    'What `npm run bench` measured: every stage of the pipeline next to a reference run on the same',
    'broker and the same records. How the harness measures, and what bounds each figure, is in',
    '[docs/performance.md](docs/performance.md).',
  ];
  REPORTED_RESULTS.forEach((entry, index) => {
    const run = results[index];
    if (run === undefined) return;
    lines.push('', `## ${entry.heading}`, '', `From \`${entry.json}\`.`, '', ...resultSections(run, 3));
  });
  lines.push(
    '',
    'Reproduce: `npm run bench` (1M lines three times, 10M lines once); for three brokers, with',
    '`KAFKA_BROKERS` set to the cluster of `KAFKA_NODES=3 npm run infra:up`,',
    '`npm run bench -- --lines 1000000 --runs 3 --out bench/three-brokers`.',
    '',
  );
  return lines.join('\n');
}

/** Reads the committed results and writes BENCHMARKS.md and the README's headline from them; returns BENCHMARKS.md's path. */
export function writeBenchmarksReport(): string {
  const root = new URL('../', import.meta.url);
  const results = REPORTED_RESULTS.map(
    (entry) => JSON.parse(readFileSync(new URL(entry.json, root), 'utf8')) as BenchResults,
  );
  writeFileSync(BENCHMARKS_FILE, benchmarksReport(results));
  writeFileSync(
    README_FILE,
    withHeadline(readFileSync(README_FILE, 'utf8'), readmeHeadline(results[0] as BenchResults)),
  );
  return BENCHMARKS_FILE;
}
