// The README's "How fast" lines, written from the committed bench/results.json like BENCHMARKS.md,
// so the headline a user reads first is always the measured one: the largest file size, against the
// references a user would compare flowwatch with.
import { formatCount } from '../display/index.ts';
import type { BenchResults, SizeResults } from './results.ts';

export const HEADLINE_START =
  '<!-- bench:headline (written by `npm run bench` from bench/results.json; do not edit) -->';
export const HEADLINE_END = '<!-- /bench:headline -->';

const flows = (value: number | undefined) => (value === undefined ? '–' : formatCount(Math.round(value)));
const times = (ours: number | undefined, reference: number | undefined) =>
  ours === undefined || reference === undefined || reference === 0 ? '–' : `${(ours / reference).toFixed(2)}×`;

/** The headline's lines, markers included, from one harness run (its largest and smallest sizes). */
export function readmeHeadline(results: BenchResults): string {
  const bySize = [...results.sizes].sort((a, b) => a.lines - b.lines);
  const large = bySize.at(-1) as SizeResults;
  const small = bySize[0] as SizeResults;
  const f = (size: SizeResults, name: string) => size.figures[name];
  const runs = (size: SizeResults) => size.runs ?? results.runs;
  const { machine } = results;
  const smaller =
    small === large
      ? ''
      : ` (${times(f(small, 'consumer1.rate'), f(small, 'consumer.streams'))} at ${formatCount(small.lines)} lines)`;
  return [
    HEADLINE_START,
    `Measured ${results.date.slice(0, 10)} on one machine (${machine.cpus} cores, ${machine.cpuModel}, ${machine.memoryGb} GiB)`,
    `with ${results.cluster.brokers === 1 ? 'one Kafka broker' : `${results.cluster.brokers} Kafka brokers`}, Redis and every process sharing the cores, over ${formatCount(large.lines)}`,
    `generated lines (${runs(large) === 1 ? 'one run' : `median of ${runs(large)} runs`}), each figure next to a reference run in the same harness:`,
    '',
    `- counting, exactly once into Redis, one member: ${flows(f(large, 'consumer1.rate'))} flows/s,`,
    `  ${times(f(large, 'consumer1.rate'), f(large, 'consumer.streams'))} a Kafka Streams application counting the same with exactly_once_v2${smaller};`,
    `  two members: ${times(f(large, 'consumer2.rate'), f(large, 'consumer1.rate'))} of one;`,
    `- publishing the file: ${flows(f(large, 'producer.rate'))} flows/s, ${times(f(large, 'producer.rate'), f(large, 'producer.reference'))} Kafka's own ProducerPerformance;`,
    `- end to end (producer and two members): ${flows(f(large, 'e2e.rate'))} flows/s, ${times(f(large, 'e2e.rate'), f(large, 'e2e.streams'))} the Kafka Streams`,
    '  application fed by the same producer;',
    `- the batch check: ${flows(f(large, 'verify.rate'))} flows/s, ${times(f(large, 'verify.rate'), f(large, 'parse.ours'))} reading and checking the file alone.`,
    '',
    'Every stage, its reference and the peak memory of each process: [BENCHMARKS.md](BENCHMARKS.md).',
    HEADLINE_END,
  ].join('\n');
}

/** `readme` with its headline block replaced by `headline`; an error if the block is missing. */
export function withHeadline(readme: string, headline: string): string {
  const start = readme.indexOf(HEADLINE_START);
  const end = readme.indexOf(HEADLINE_END);
  if (start === -1 || end < start) throw new Error('README.md has no bench:headline block to write into');
  return readme.slice(0, start) + headline + readme.slice(end + HEADLINE_END.length);
}
