// `npm run bench`: throughput, latency and memory of every stage at 1M and 10M lines, next to Apache
// Kafka's own performance tools and the bare ceilings, on the same broker and the same records.
// Writes results.md and results.json to --out (each figure the median of --runs runs), then BENCHMARKS.md
// from the committed results; --report-only writes BENCHMARKS.md alone, measuring nothing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { loadConfig } from '../config/index.ts';
import { formatCount, perSecond } from '../display/index.ts';
import { brokerDefaultReplication, connectAdmin, createKafka, ensureTopics, TopicSet } from '../kafka/index.ts';
import { createLogger } from '../runtime/index.ts';
import { ensureInfra } from '../runtime/infra-guard.ts';
import { connectRedis, createRedis, resetState, StateReader } from '../state/index.ts';
import { writeBenchmarksReport } from './benchmarks-report.ts';
import { csvParseRate, redisIncrRate, scannerRate } from './ceilings.ts';
import { flowFile } from './flow-files.ts';
import { consumerPerformance, producerPerformance } from './kafka-tools.ts';
import { kafkajsLoopRate } from './kafkajs-ceiling.ts';
import { measuredPlatform } from './measured-platform.ts';
import { consumeStage, endToEndStage, freshRun, produceStage, type Run, verifyStage } from './pipeline-stages.ts';
import { platformaticProducerRate } from './platformatic-peer.ts';
import { type BenchResults, formatResults, median, type SizeResults } from './results.ts';
import { buildStreamsPeer, startStreamsPeer } from './streams-peer.ts';

const program = new Command('bench')
  .option('--lines <list>', 'file sizes, comma-separated', '1000000,10000000')
  .option(
    '--runs <list>',
    'runs per figure (the median is reported), per size in the order of --lines, or one number for all (default: 3, and 1 for a file of 10M lines or more)',
  )
  .option('--out <dir>', 'where results.md and results.json go', fileURLToPath(new URL('.', import.meta.url)))
  .option('--report-only', 'write BENCHMARKS.md from the committed results.json files, measuring nothing')
  .parse();
const options = program.opts<{ lines: string; runs?: string; out: string; reportOnly?: boolean }>();
const sizes = options.lines.split(',').map(Number);
/** A file this large is measured once unless --runs says otherwise: one run of every stage takes minutes. */
const LONG_RUN_LINES = 10_000_000;
const runsList =
  options.runs === undefined
    ? sizes.map((lines) => (lines >= LONG_RUN_LINES ? 1 : 3))
    : options.runs.split(',').map(Number);
/** Runs per figure at the size of index `k`: its own entry of --runs, or the last one given. */
const runsAt = (k: number) => runsList[Math.min(k, runsList.length - 1)] as number;
const badNumber = (value: number) => !Number.isSafeInteger(value) || value < 1;
if (sizes.some(badNumber) || runsList.some(badNumber) || runsList.length > sizes.length) {
  process.stderr.write(
    `bench: --lines and --runs take positive whole numbers, at most one --runs entry per size (got --lines ${options.lines} --runs ${options.runs})\n`,
  );
  process.exit(2);
}

const config = loadConfig(process.env);
const log = createLogger('warn');
const say = (line: string) => process.stdout.write(`${line}\n`);
if (options.reportOnly) {
  say(`wrote ${writeBenchmarksReport()}`);
  process.exit(0);
}
buildStreamsPeer(say);
const infra = await ensureInfra(config, say, process.env);
const redis = await connectRedis(createRedis(config), config);
const admin = await connectAdmin(createKafka(config, log, 'flowwatch-bench'), config);
const brokers = config.kafkaBrokers.join(',');
// The replicas every topic of a run gets (the brokers' default); the Kafka Streams peer's own too.
const cluster = {
  brokers: (await admin.describeCluster()).brokers.length,
  replicas: await brokerDefaultReplication(admin),
};
const topicsToDrop: string[] = [];
const prefixesToDrop: string[] = [];
const track = (run: Run) => {
  topicsToDrop.push(...new TopicSet(run.topic).names);
  prefixesToDrop.push(run.prefix);
  return run;
};
async function dropRuns(): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const topics = [...new Set(topicsToDrop.splice(0))].filter((topic) => existing.has(topic));
  if (topics.length > 0) await admin.deleteTopics({ topics });
  for (const prefix of prefixesToDrop.splice(0)) await resetState(redis, prefix);
}

/** The Kafka Streams peer's own topics (its state store's changelog), dropped with the runs. */
const trackStreamsApp = (applicationId: string) => {
  topicsToDrop.push(`${applicationId}-webserver-counts-changelog`);
  return applicationId;
};

/** A fresh run for the end-to-end stage, with the reader of its state. */
function e2eRun(label: string): [Run, StateReader] {
  const run = track(freshRun(label));
  return [run, new StateReader(redis, run.prefix)];
}

async function measureSize(lines: number, runs: number): Promise<SizeResults> {
  const file = await flowFile(lines, say);
  const samples: Record<string, number[]> = {};
  const add = (name: string, value: number) => {
    samples[name] ??= [];
    samples[name].push(value);
  };
  for (let r = 1; r <= runs; r++) {
    say(`${formatCount(lines)} lines, run ${r}/${runs}`);
    add('parse.ours', await scannerRate(file));
    add('parse.csvParse', await csvParseRate(file));

    const produced = track(freshRun('produce'));
    const producer = await produceStage(produced, file);
    add('producer.rate', producer.flowsPerSecond);
    add('producer.rss', producer.peakRssMb);
    say(`  producer ${Math.round(producer.flowsPerSecond)} flows/s`);

    const reference = track(freshRun('pp'));
    await ensureTopics(admin, reference.topic);
    const pp = await producerPerformance(brokers, reference.topic, lines, file);
    add('producer.reference', pp.recordsPerSecond);
    say(`  ProducerPerformance ${Math.round(pp.recordsPerSecond)} records/s`);

    const peer = track(freshRun('platformatic'));
    await ensureTopics(admin, peer.topic);
    const platformatic = await platformaticProducerRate(brokers, peer.topic, file);
    add('producer.platformatic', platformatic.recordsPerSecond);
    add('producer.platformatic.rss', platformatic.peakRssMb);
    say(`  @platformatic/kafka producer ${Math.round(platformatic.recordsPerSecond)} records/s`);

    for (const members of [1, 2]) {
      const run = track({ ...freshRun(`consume${members}`), topic: produced.topic });
      const consumed = await consumeStage(run, lines, members);
      add(`consumer${members}.rate`, consumed.flowsPerSecond);
      add(`consumer${members}.rss`, consumed.peakRssMb);
      say(`  consumer x${members} ${Math.round(consumed.flowsPerSecond)} flows/s`);
      if (members === 1) {
        const verified = await verifyStage(run, file, lines);
        add('verify.rate', verified.flowsPerSecond);
        add('verify.rss', verified.peakRssMb);
        say(`  verify ${Math.round(verified.flowsPerSecond)} flows/s`);
      }
    }
    const cp = await consumerPerformance(brokers, produced.topic, lines, freshRun('cp').group);
    add('consumer.reference', cp.recordsPerSecond);
    say(`  ConsumerPerformance ${Math.round(cp.recordsPerSecond)} records/s`);
    const loop = await kafkajsLoopRate(brokers, produced.topic, freshRun('loop').group, lines);
    add('consumer.ceiling', loop.recordsPerSecond);
    say(`  bare kafkajs loop ${Math.round(loop.recordsPerSecond)} records/s`);

    const streamsApp = trackStreamsApp(freshRun('streams').group);
    const streams = await startStreamsPeer(brokers, produced.topic, streamsApp, cluster.replicas).done;
    add('consumer.streams', streams.recordsPerSecond);
    add('consumer.streams.rss', streams.peakRssMb);
    say(`  Kafka Streams peer ${Math.round(streams.recordsPerSecond)} records/s`);

    const e2e = await endToEndStage(...e2eRun('e2e'), file, lines);
    add('e2e.rate', e2e.flowsPerSecond);
    add('e2e.rss', e2e.peakRssMb);
    say(`  end to end ${Math.round(e2e.flowsPerSecond)} flows/s`);

    // The end-to-end figure of the peer: the same producer feeding the Kafka Streams application.
    const fed = track(freshRun('e2e-streams'));
    await ensureTopics(admin, fed.topic);
    const fedApp = startStreamsPeer(brokers, fed.topic, trackStreamsApp(fed.group), cluster.replicas, lines);
    try {
      await fedApp.running;
      const startedAt = Date.now();
      await produceStage(fed, file);
      const { finishedAtMs } = await fedApp.done;
      const rate = perSecond(lines, finishedAtMs - startedAt);
      add('e2e.streams', rate);
      say(`  end to end, Kafka Streams peer ${Math.round(rate)} flows/s`);
    } finally {
      fedApp.kill();
      await fedApp.done.catch(() => undefined);
    }

    add('redis.incr', await redisIncrRate(1_000_000));
    await dropRuns();
  }

  let latency: SizeResults['latency'];
  if (lines === Math.min(...sizes)) {
    const rate = median(samples['e2e.rate'] as number[]) / 2;
    const p50: number[] = [];
    const p99: number[] = [];
    for (let r = 1; r <= runs; r++) {
      const paced = await endToEndStage(...e2eRun('latency'), file, lines, rate);
      p50.push(paced.latency.p50Ms);
      p99.push(paced.latency.p99Ms);
      say(
        `  latency at ${Math.round(rate)} flows/s: p50 ${paced.latency.p50Ms.toFixed(1)} ms, p99 ${paced.latency.p99Ms.toFixed(1)} ms`,
      );
      await dropRuns();
    }
    latency = { rate, p50Ms: median(p50), p99Ms: median(p99) };
  }
  const figures = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
  return { lines, runs, figures, latency };
}

try {
  const results: BenchResults = {
    date: new Date().toISOString(),
    ...measuredPlatform(),
    cluster,
    runs: Math.max(...runsList),
    sizes: [],
  };
  for (const [k, lines] of sizes.entries()) results.sizes.push(await measureSize(lines, runsAt(k)));
  const markdown = formatResults(results);
  mkdirSync(options.out, { recursive: true });
  writeFileSync(`${options.out}/results.md`, markdown);
  writeFileSync(`${options.out}/results.json`, `${JSON.stringify(results, null, 2)}\n`);
  say(markdown);
  say(`wrote ${writeBenchmarksReport()}`);
} finally {
  await dropRuns().catch(() => undefined);
  await admin.disconnect();
  redis.disconnect();
  infra.release();
}
