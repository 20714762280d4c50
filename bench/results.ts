// The benchmark's figures, and the table they are reported in (ours next to the references).

export interface SizeResults {
  readonly lines: number;
  /** Medians by name: `<stage>.rate` (flows/s), `<stage>.rss` (MB), `<stage>.reference` (records/s). */
  readonly figures: Record<string, number>;
  readonly latency: { rate: number; p50Ms: number; p99Ms: number } | undefined;
}

export interface BenchResults {
  readonly date: string;
  readonly machine: { cpus: number; cpuModel: string; memoryGb: number };
  readonly versions: { node: string; kafka: string; kafkajs: string; platformaticKafka: string };
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

const n = (value: number | undefined) => (value === undefined ? '–' : Math.round(value).toLocaleString('en-US'));
const ratio = (ours: number | undefined, reference: number | undefined) =>
  ours === undefined || reference === undefined || reference === 0 ? '–' : `${(ours / reference).toFixed(2)}×`;

const PEER_STAGE = 'peer: @platformatic/kafka producer (same records, idempotent, acks=all)';

interface Row {
  readonly stage: string;
  readonly ours: string;
  readonly reference: string;
  readonly referenceName: string;
  readonly rss: string;
}

export function formatResults(results: BenchResults): string {
  const lines = [
    '# flowwatch benchmarks',
    '',
    `${results.date} · ${results.machine.cpus} cores (${results.machine.cpuModel}), ${results.machine.memoryGb} GiB · Node ${results.versions.node} · Apache Kafka ${results.versions.kafka} · kafkajs ${results.versions.kafkajs} (peer: @platformatic/kafka ${results.versions.platformaticKafka}) · median of ${results.runs} run(s) per figure`,
    '',
    'Broker, Redis, producer and consumers all share the same cores. Flows/s; RSS is the peak resident memory of the process (the largest of them for a group).',
  ];
  for (const size of results.sizes) {
    const f = size.figures;
    const rows: Row[] = [
      {
        stage: 'parse + validate (no Kafka)',
        ours: n(f['parse.ours']),
        referenceName: 'csv-parse alone',
        reference: n(f['parse.csvParse']),
        rss: '–',
      },
      {
        stage: 'producer: file → Kafka (acks=all, idempotent)',
        ours: n(f['producer.rate']),
        referenceName: 'Kafka ProducerPerformance',
        reference: n(f['producer.reference']),
        rss: n(f['producer.rss']),
      },
      {
        stage: PEER_STAGE,
        ours: n(f['producer.platformatic']),
        referenceName: 'Kafka ProducerPerformance',
        reference: n(f['producer.reference']),
        rss: n(f['producer.platformatic.rss']),
      },
      {
        stage: 'consumer ×1: Kafka → Redis, exactly once',
        ours: n(f['consumer1.rate']),
        referenceName: 'Kafka ConsumerPerformance',
        reference: n(f['consumer.reference']),
        rss: n(f['consumer1.rss']),
      },
      {
        stage: 'consumer ×2: Kafka → Redis, exactly once',
        ours: n(f['consumer2.rate']),
        referenceName: 'Kafka ConsumerPerformance',
        reference: n(f['consumer.reference']),
        rss: n(f['consumer2.rss']),
      },
      {
        stage: 'end to end: producer + 2 consumers',
        ours: n(f['e2e.rate']),
        referenceName: 'target',
        reference: n(100_000),
        rss: n(f['e2e.rss']),
      },
      {
        stage: 'batch check: flowwatch verify (whole command)',
        ours: n(f['verify.rate']),
        referenceName: 'target',
        reference: n(1_000_000),
        rss: n(f['verify.rss']),
      },
      {
        stage: 'Redis INCR, pipelined ×100 (redis-benchmark)',
        ours: '–',
        referenceName: 'ceiling',
        reference: n(f['redis.incr']),
        rss: '–',
      },
    ];
    const refs: Record<string, [number | undefined, number | undefined]> = {
      'parse + validate (no Kafka)': [f['parse.ours'], f['parse.csvParse']],
      'producer: file → Kafka (acks=all, idempotent)': [f['producer.rate'], f['producer.reference']],
      [PEER_STAGE]: [f['producer.platformatic'], f['producer.reference']],
      'consumer ×1: Kafka → Redis, exactly once': [f['consumer1.rate'], f['consumer.reference']],
      'consumer ×2: Kafka → Redis, exactly once': [f['consumer2.rate'], f['consumer.reference']],
      'end to end: producer + 2 consumers': [f['e2e.rate'], 100_000],
      'batch check: flowwatch verify (whole command)': [f['verify.rate'], 1_000_000],
    };
    lines.push(
      '',
      `## ${size.lines.toLocaleString('en-US')} lines`,
      '',
      '| stage | ours (flows/s) | reference | reference (/s) | ratio | peak RSS (MB) |',
      '| --- | ---: | --- | ---: | ---: | ---: |',
    );
    for (const row of rows) {
      const [ours, reference] = refs[row.stage] ?? [undefined, undefined];
      lines.push(
        `| ${row.stage} | ${row.ours} | ${row.referenceName} | ${row.reference} | ${ratio(ours, reference)} | ${row.rss} |`,
      );
    }
    if (size.latency !== undefined) {
      lines.push(
        '',
        `Event latency (publish → count applied in Redis) with the producer paced at ${n(size.latency.rate)} flows/s (half the end-to-end maximum): p50 ${size.latency.p50Ms.toFixed(1)} ms, p99 ${size.latency.p99Ms.toFixed(1)} ms (target p99 < 250 ms).`,
      );
    }
  }
  lines.push('', 'Reproduce: `npm run bench` (or `npm run bench -- --lines 1000000 --runs 3`).', '');
  return lines.join('\n');
}
