// The benchmark's figures, and the table they are reported in (ours next to the references).
import { formatCount } from '../display/index.ts';

export interface SizeResults {
  readonly lines: number;
  /** Runs each figure is the median of (results written before it was recorded per size: BenchResults.runs). */
  readonly runs?: number;
  /** Medians by name: `<stage>.rate` (flows/s), `<stage>.rss` (MB), `<stage>.reference` (records/s). */
  readonly figures: Record<string, number>;
  readonly latency: { rate: number; p50Ms: number; p99Ms: number } | undefined;
}

export interface BenchResults {
  readonly date: string;
  readonly machine: { cpus: number; cpuModel: string; memoryGb: number };
  readonly versions: { node: string; kafka: string; kafkajs: string; platformaticKafka: string };
  /** Brokers in the cluster measured, and the replicas of its topics. */
  readonly cluster: { brokers: number; replicas: number };
  /** Runs per figure: the most of any size (each size says its own). */
  readonly runs: number;
  readonly sizes: SizeResults[];
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

const n = (value: number | undefined) => (value === undefined ? '–' : formatCount(Math.round(value)));
const ratio = (ours: number | undefined, reference: number | undefined) =>
  ours === undefined || reference === undefined || reference === 0 ? '–' : `${(ours / reference).toFixed(2)}×`;

/** One line of the table: figures by name (see SizeResults.figures), or fixed values. */
interface Row {
  readonly stage: string;
  readonly ours?: string;
  readonly referenceName: string;
  readonly reference: string | number;
  /** The ratio the issue tracker sets as the goal, where there is one. */
  readonly target?: number;
  readonly rss?: string;
}

const ROWS: readonly Row[] = [
  {
    stage: 'parse + validate (no Kafka)',
    ours: 'parse.ours',
    referenceName: 'csv-parse alone',
    reference: 'parse.csvParse',
  },
  {
    stage: 'producer: file → Kafka (acks=all, idempotent)',
    ours: 'producer.rate',
    referenceName: 'Kafka ProducerPerformance',
    reference: 'producer.reference',
    target: 0.5,
    rss: 'producer.rss',
  },
  {
    stage: 'peer: @platformatic/kafka producer (same records, idempotent, acks=all)',
    ours: 'producer.platformatic',
    referenceName: 'Kafka ProducerPerformance',
    reference: 'producer.reference',
    rss: 'producer.platformatic.rss',
  },
  {
    stage: 'consumer ×1: Kafka → Redis, exactly once',
    ours: 'consumer1.rate',
    referenceName: 'bare kafkajs loop (fetch + decode)',
    reference: 'consumer.ceiling',
    target: 0.9,
    rss: 'consumer1.rss',
  },
  {
    stage: 'consumer ×2: Kafka → Redis, exactly once',
    ours: 'consumer2.rate',
    referenceName: 'bare kafkajs loop (fetch + decode)',
    reference: 'consumer.ceiling',
    target: 0.9,
    rss: 'consumer2.rss',
  },
  {
    stage: 'consumer ×2',
    ours: 'consumer2.rate',
    referenceName: 'consumer ×1',
    reference: 'consumer1.rate',
    target: 1,
  },
  {
    stage: 'consumer ×1',
    ours: 'consumer1.rate',
    referenceName: 'Kafka Streams app, exactly_once_v2',
    reference: 'consumer.streams',
    target: 1,
  },
  {
    stage: 'consumer ×2',
    ours: 'consumer2.rate',
    referenceName: 'Kafka Streams app, exactly_once_v2',
    reference: 'consumer.streams',
    target: 1,
  },
  {
    stage: 'peer: Kafka Streams app, exactly_once_v2 (Java)',
    ours: 'consumer.streams',
    referenceName: 'Kafka ConsumerPerformance',
    reference: 'consumer.reference',
    rss: 'consumer.streams.rss',
  },
  {
    stage: 'consumer ×1: Kafka → Redis, exactly once',
    ours: 'consumer1.rate',
    referenceName: 'Kafka ConsumerPerformance',
    reference: 'consumer.reference',
  },
  {
    stage: 'end to end: producer + 2 consumers',
    ours: 'e2e.rate',
    referenceName: 'Kafka ProducerPerformance',
    reference: 'producer.reference',
    target: 0.33,
    rss: 'e2e.rss',
  },
  {
    stage: 'end to end: producer + 2 consumers',
    ours: 'e2e.rate',
    referenceName: 'our producer + Kafka Streams app',
    reference: 'e2e.streams',
    target: 1,
  },
  {
    stage: 'batch check: flowwatch verify (whole command)',
    ours: 'verify.rate',
    referenceName: 'parse + validate',
    reference: 'parse.ours',
    target: 0.75,
    rss: 'verify.rss',
  },
  { stage: 'Redis INCR, pipelined ×100 (redis-benchmark)', referenceName: 'ceiling', reference: 'redis.incr' },
];

/** How many runs each figure of a size stands for. */
const runsNote = (runs: number) =>
  runs === 1 ? 'One run of each figure.' : `Each figure is the median of ${runs} runs.`;

/** "yes", or by how much the ratio falls short of its target. */
function targetMet(ours: number | undefined, reference: number | undefined, target: number | undefined): string {
  if (target === undefined) return '';
  if (ours === undefined || reference === undefined || reference === 0) return '–';
  const achieved = ours / reference;
  return achieved >= target ? 'yes' : `no: ${(target / achieved).toFixed(2)}× short`;
}

/** The run's own report (results.md beside results.json): its sections under a title. */
export function formatResults(results: BenchResults): string {
  return [
    '# flowwatch benchmarks',
    '',
    ...resultSections(results, 2),
    '',
    'Reproduce: `npm run bench` (1M lines three times, 10M lines once; `--lines` and `--runs` choose others).',
    '',
  ].join('\n');
}

/**
 * What one run measured, as lines: when and on what, then a table per file size with its headings
 * at `level` (2 in a report of its own, deeper where several runs share one page).
 */
export function resultSections(results: BenchResults, level: number): string[] {
  const lines = [
    `${results.date} · ${results.machine.cpus} cores (${results.machine.cpuModel}), ${results.machine.memoryGb} GiB · Node ${results.versions.node} · Apache Kafka ${results.versions.kafka} · kafkajs ${results.versions.kafkajs} (peer: @platformatic/kafka ${results.versions.platformaticKafka})`,
    '',
    `${results.cluster.brokers === 1 ? 'One Kafka broker' : `${results.cluster.brokers} Kafka brokers on this machine, topics with ${results.cluster.replicas} replicas`}; brokers, Redis, producer and consumers all share the same cores. Flows/s; RSS is the peak resident memory of the process (the largest of them for a group). Targets are the ratios the project aims for; "short" says how many times faster ours must get to meet one.`,
  ];
  for (const size of results.sizes) {
    const figure = (name: string | number | undefined) => (typeof name === 'string' ? size.figures[name] : name);
    lines.push(
      '',
      `${'#'.repeat(level)} ${formatCount(size.lines)} lines`,
      '',
      runsNote(size.runs ?? results.runs),
      '',
      '| stage | ours (flows/s) | reference | reference (/s) | ratio | target | met | peak RSS (MB) |',
      '| --- | ---: | --- | ---: | ---: | ---: | --- | ---: |',
    );
    for (const row of ROWS) {
      const ours = figure(row.ours);
      const reference = figure(row.reference);
      lines.push(
        `| ${row.stage} | ${n(ours)} | ${row.referenceName} | ${n(reference)} | ${ratio(ours, reference)} | ${row.target === undefined ? '' : `≥ ${row.target.toFixed(2)}×`} | ${targetMet(ours, reference, row.target)} | ${n(figure(row.rss))} |`,
      );
    }
    if (size.latency !== undefined) {
      lines.push(
        '',
        `Event latency (publish → count applied in Redis) with the producer paced at ${n(size.latency.rate)} flows/s (half the end-to-end maximum): p50 ${size.latency.p50Ms.toFixed(1)} ms, p99 ${size.latency.p99Ms.toFixed(1)} ms (target p99 < 250 ms).`,
      );
    }
  }
  return lines;
}
