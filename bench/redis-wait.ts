// `npm run bench:wait`: what --redis-wait-replicas 1 costs the exactly-once consumer. A primary and
// one replica of the bench's own (redis-server on free localhost ports) hold the state; one topic,
// produced once, is counted by one member with WAIT off (the reference) and on, alternately, each
// on a fresh group and prefix. Writes bench/redis-wait.md; each figure is the median of --runs runs.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { Redis } from 'ioredis';
import { loadConfig } from '../config/index.ts';
import { generateFlowText } from '../data/flow-generator.ts';
import { formatCount } from '../display/index.ts';
import { connectAdmin, createKafka, TopicSet } from '../kafka/index.ts';
import { createLogger, waitUntil } from '../runtime/index.ts';
import { consumeStage, freshRun, produceStage } from './pipeline-stages.ts';

const program = new Command('bench:wait')
  .option('--lines <n>', 'lines of the flow file', '300000')
  .option('--runs <n>', 'runs per setting (the median is reported)', '3')
  .option('--out <dir>', 'where redis-wait.md goes', fileURLToPath(new URL('.', import.meta.url)))
  .parse();
const options = program.opts<{ lines: string; runs: string; out: string }>();
const lines = Number(options.lines);
const runs = Number(options.runs);
const say = (line: string) => process.stdout.write(`${line}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'flowwatch-bench-wait-'));
const servers: ChildProcess[] = [];
async function redisServer(port: number, replicaOf?: number): Promise<Redis> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    '--dbfilename',
    `${port}.rdb`,
    '--save',
    '',
  ];
  if (replicaOf !== undefined) args.push('--replicaof', '127.0.0.1', String(replicaOf));
  servers.push(spawn('redis-server', args, { stdio: 'ignore' }));
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, retryStrategy: () => 100 });
  client.on('error', () => {});
  await waitUntil(async () => (await client.ping().catch(() => '')) === 'PONG', {
    timeoutMs: 10_000,
    what: `redis-server on ${port}`,
  });
  return client;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const config = loadConfig(process.env);
const admin = await connectAdmin(createKafka(config, createLogger('warn'), 'flowwatch-bench-wait'), config);
const [primaryPort, replicaPort] = [await freePort(), await freePort()];
const primary = await redisServer(primaryPort);
const replica = await redisServer(replicaPort, primaryPort);
const topics: string[] = [];
try {
  await waitUntil(async () => (await replica.info('replication')).includes('master_link_status:up'), {
    timeoutMs: 30_000,
    what: 'the replica to sync',
  });
  const dataDir = fileURLToPath(new URL('./data/', import.meta.url));
  mkdirSync(dataDir, { recursive: true });
  const file = `${dataDir}flows-${lines}.csv`;
  if (!existsSync(file))
    await pipeline(Readable.from(generateFlowText({ lines, seed: 2017 })), createWriteStream(file));

  const source = freshRun('wait');
  topics.push(...new TopicSet(source.topic).names);
  say(`producing ${formatCount(lines)} lines once...`);
  await produceStage(source, file);
  const flows = lines;
  const env = (replicas: number) => ({
    REDIS_URL: `redis://127.0.0.1:${primaryPort}`,
    FLOWWATCH_REDIS_WAIT_REPLICAS: String(replicas),
  });
  const samples: Record<'off' | 'on', number[]> = { off: [], on: [] };
  for (let run = 1; run <= runs; run++) {
    for (const [setting, replicas] of [
      ['off', 0],
      ['on', 1],
    ] as const) {
      const fresh = freshRun(`wait-${setting}`);
      const result = await consumeStage({ ...fresh, topic: source.topic }, flows, 1, env(replicas));
      samples[setting].push(result.flowsPerSecond);
      say(`run ${run}, WAIT ${setting}: ${formatCount(Math.round(result.flowsPerSecond))} flows/s`);
    }
  }
  const off = median(samples.off);
  const on = median(samples.on);
  const table = [
    `# What --redis-wait-replicas 1 costs`,
    '',
    `One consumer member, ${formatCount(lines)} lines already in the topic, a primary and one replica on localhost (redis-server ${(await primary.info('server')).match(/redis_version:(\S+)/)?.[1] ?? '?'}), median of ${runs} runs each, WAIT off and on alternately.`,
    '',
    '| setting | flows/s | ratio to WAIT off |',
    '| --- | ---: | ---: |',
    `| WAIT off (reference) | ${formatCount(Math.round(off))} | 1.00× |`,
    `| --redis-wait-replicas 1 | ${formatCount(Math.round(on))} | ${(on / off).toFixed(2)}× |`,
    '',
  ].join('\n');
  writeFileSync(join(options.out, 'redis-wait.md'), table);
  say(table);
} finally {
  const existing = new Set(await admin.listTopics());
  const mine = topics.filter((topic) => existing.has(topic));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  await admin.disconnect();
  primary.disconnect();
  replica.disconnect();
  for (const server of servers) server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}
