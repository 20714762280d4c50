// Metrics in Prometheus' text format: the consumer's, the producer's and the dashboard's `/metrics`
// pass `promtool check metrics`, and their values are the pipeline's truth (counts equal the state's
// totals and the file's answer once caught up, lag ends at 0).
import { appendFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { connectAdmin, createKafka } from '../../kafka/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import type { ProduceSummary } from '../../producer/index.ts';
import { createLogger } from '../../runtime/index.ts';
import { createRedis, isCaughtUp, StateReader, stateProgress } from '../../state/index.ts';
import { runCli, spawnCli } from '../support/cli.ts';
import { groundTruth } from '../support/ground-truth.ts';
import { sendRequest } from '../support/http-request.ts';
import { type Exposition, expectPromtoolAccepts, parseValue, promtoolCheck, scrape } from '../support/metrics.ts';
import { consumeToEnd, generatedFile, namedRuns, pipelineEnv, produce, startConsumer } from '../support/pipeline.ts';
import { planted } from '../support/planted-state.ts';
import { freePort } from '../support/redis-server.ts';
import type { TestNames } from '../support/test-names.ts';
import { waitFor, within } from '../support/wait-for.ts';

const config = loadConfig(process.env);
const redis = createRedis(config);
const runs = namedRuns(redis);
const log = createLogger('silent');

afterAll(async () => {
  await runs.cleanup();
  redis.disconnect();
});

/** Lines no flow can be made of: they go to the dead-letter topic and count as invalid lines. */
function withInvalidLines(file: string): string {
  appendFileSync(file, 'not,a,flow\n118790,1,CompA,CompB,6,Port1,80,1,1,1\n');
  return file;
}

/** Messages on the flow topic that are not flows: the consumer counts them as undecodable. */
async function sendPoison(names: TestNames, values: string[]): Promise<void> {
  const producer = createKafka(config, log, 'flowwatch-test-metrics').producer();
  await producer.connect();
  try {
    await producer.send({ topic: names.topic, acks: -1, messages: values.map((value) => ({ key: 'poison', value })) });
  } finally {
    await producer.disconnect();
  }
}

async function stateCaughtUp(names: TestNames): Promise<boolean> {
  const admin = await connectAdmin(createKafka(config, log, 'flowwatch-test-metrics-admin', 'quick'), config);
  try {
    return isCaughtUp(
      await stateProgress(admin, new StateReader(redis, names.prefix), [names.topic, deadLetterTopic(names.topic)]),
    );
  } finally {
    await admin.disconnect();
  }
}

function expectHistogramConsistent(metrics: Exposition, name: string): void {
  const buckets = metrics.all(`${name}_bucket`).map((s) => ({ le: parseValue(s.labels.le ?? ''), count: s.value }));
  expect(buckets.length).toBeGreaterThan(5);
  for (let i = 1; i < buckets.length; i++) {
    expect(buckets[i]?.le).toBeGreaterThan(buckets[i - 1]?.le as number);
    expect(buckets[i]?.count).toBeGreaterThanOrEqual(buckets[i - 1]?.count as number);
  }
  expect(buckets.at(-1)).toEqual({ le: Number.POSITIVE_INFINITY, count: metrics.value(`${name}_count`) });
  expect(metrics.value(`${name}_sum`)).toBeGreaterThanOrEqual(0);
}

describe('metrics', () => {
  it('promtool flags what breaks the naming rules, so its silence about ours means something', () => {
    const bad = '# HELP flows Flows.\n# TYPE flows counter\nflows 3\n';
    const checked = promtoolCheck(bad);
    expect(checked.output).toMatch(/_total/);
    expect(checked.code).not.toBe(0);
  });

  it("serves the consumer's metrics, which promtool accepts: counts equal the state's totals, lag ends at 0", async () => {
    const names = runs.named('metrics-consumer');
    const file = withInvalidLines(generatedFile(30_000, 41));
    const truth = groundTruth(file);
    await produce(names, file);
    const poison = ['not a flow', '{"Time": 1}'];
    await sendPoison(names, poison);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const member = startConsumer(names, ['--metrics-port', String(port)]);
    try {
      const exited = member.done.then((result) => {
        throw new Error(`the member exited (${result.code}) before catching up:\n${result.stderr.slice(-3000)}`);
      });
      exited.catch(() => undefined);
      await Promise.race([
        waitFor(() => stateCaughtUp(names), { timeoutMs: 90_000, what: 'the state to catch up' }),
        exited,
      ]).catch((error: Error) => {
        throw new Error(`${error.message}\n${member.output().stderr.slice(-3000)}`);
      });
      const totals = await new StateReader(redis, names.prefix).totals();
      expect(totals.flows).toBe(truth.flows);
      // The member counts a batch right after Redis applied it: give it that moment.
      const metrics = await waitFor(
        async () => {
          const scraped = await scrape(url);
          return scraped.value('flowwatch_consumer_flows_total') === totals.flows ? scraped : undefined;
        },
        { timeoutMs: 5000, what: "the member's flows counted to equal the state's totals" },
      );
      expectPromtoolAccepts(metrics);

      expect(metrics.value('flowwatch_consumer_web_requests_total')).toBe(truth.webRequests);
      expect(metrics.value('flowwatch_consumer_invalid_lines_total')).toBe(truth.invalidLines);
      expect(truth.invalidLines).toBe(2);
      expect(metrics.value('flowwatch_consumer_undecodable_messages_total')).toBe(poison.length);
      expect(totals.undecodable).toBe(poison.length);
      expect(metrics.value('flowwatch_consumer_time_outliers_total')).toBe(totals.timeOutliers);
      expect(metrics.value('flowwatch_consumer_batches_applied_total')).toBeGreaterThanOrEqual(4);
      expect(metrics.value('flowwatch_consumer_batches_refused_total', { reason: 'offset-mismatch' })).toBe(0);
      expect(metrics.value('flowwatch_consumer_batches_refused_total', { reason: 'fenced' })).toBe(0);

      // One member owns every partition of both topics, under the last epoch handed out.
      const dlq = deadLetterTopic(names.topic);
      expect(metrics.value('flowwatch_consumer_partitions_owned', { topic: names.topic })).toBe(4);
      expect(metrics.value('flowwatch_consumer_partitions_owned', { topic: dlq })).toBe(4);
      expect(metrics.value('flowwatch_consumer_fencing_epoch')).toBe(await planted.epoch(redis, names.prefix));
      // Lag as of each partition's last batch: every flow partition had batches, all ended at the end.
      const lag = metrics.all('flowwatch_consumer_lag_messages', { topic: names.topic });
      expect(lag.map((s) => s.labels.partition).sort()).toEqual(['0', '1', '2', '3']);
      expect(metrics.all('flowwatch_consumer_lag_messages').every((s) => s.value === 0)).toBe(true);

      expect(metrics.value('flowwatch_state_watermark_seconds')).toBe(
        await new StateReader(redis, names.prefix).watermark(),
      );
      // Every message of the flow topic, flow or poison, has its publish-to-applied latency recorded.
      expect(metrics.value('flowwatch_consumer_event_latency_seconds_count')).toBe(truth.flows + poison.length);
      expectHistogramConsistent(metrics, 'flowwatch_consumer_event_latency_seconds');
      expect(metrics.value('process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    } finally {
      member.child.kill('SIGINT');
    }
    const result = await within(member.done, 30_000, 'the member to stop');
    expect(result.code, result.stderr).toBe(0);
  });

  it("serves the producer's progress while it runs, from the same figures as its summary", async () => {
    const names = runs.named('metrics-producer');
    const file = withInvalidLines(generatedFile(20_000, 42));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const run = spawnCli(
      ['produce', file, '--json', '--no-progress', '--rate', '5000', '--metrics-port', String(port)],
      pipelineEnv(names),
    );
    try {
      const during = await waitFor(
        async () => {
          const scraped = await scrape(url);
          return (scraped.value('flowwatch_producer_flows_published_total') ?? 0) > 0 ? scraped : undefined;
        },
        { timeoutMs: 30_000, what: "the producer's metrics to show published flows" },
      );
      expectPromtoolAccepts(during);
      const truth = groundTruth(file);
      const lines = truth.flows + truth.invalidLines;
      const linesRead = during.value('flowwatch_producer_lines_read_total') as number;
      const published = during.value('flowwatch_producer_flows_published_total') as number;
      expect(published).toBeLessThan(truth.flows);
      expect(linesRead).toBeLessThanOrEqual(lines);
      expect(during.value('flowwatch_producer_invalid_lines_total')).toBeLessThanOrEqual(truth.invalidLines);
      expect(during.value('flowwatch_producer_skipped_lines_total')).toBe(0);
      expect(during.value('flowwatch_producer_last_line_delivered')).toBeLessThan(lines);
      expect(during.value('flowwatch_producer_input_size_bytes')).toBe(statSync(file).size);
      expect(during.value('flowwatch_producer_read_bytes_total')).toBeGreaterThan(0);
      expect(during.value('flowwatch_producer_read_bytes_total')).toBeLessThanOrEqual(statSync(file).size);

      const later = await waitFor(
        async () => {
          const scraped = await scrape(url);
          return (scraped.value('flowwatch_producer_flows_published_total') as number) > published
            ? scraped
            : undefined;
        },
        { timeoutMs: 10_000, what: 'the published flows to grow' },
      );
      expect(later.value('flowwatch_producer_lines_read_total')).toBeGreaterThanOrEqual(linesRead);

      const result = await within(run.done, 60_000, 'the producer to finish');
      expect(result.code, result.stderr).toBe(0);
      const summary = JSON.parse(result.stdout) as ProduceSummary;
      expect(summary.flowsPublished).toBe(truth.flows);
      expect(summary.linesRead).toBe(lines);
      expect(later.value('flowwatch_producer_flows_published_total')).toBeLessThan(summary.flowsPublished);
      // The server goes with the run.
      await expect(fetch(url)).rejects.toThrow();
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it("serves the state's metrics at the dashboard's /metrics, which promtool accepts", async () => {
    const names = runs.named('metrics-dashboard');
    const file = withInvalidLines(generatedFile(10_000, 43));
    const truth = groundTruth(file);
    await produce(names, file);
    await consumeToEnd(names);
    const port = await freePort();
    const dashboard = spawnCli(['dashboard', '--port', String(port), '--interval-ms', '200'], pipelineEnv(names));
    try {
      const url = `http://127.0.0.1:${port}/metrics`;
      const metrics = await waitFor(
        async () => {
          const scraped = await scrape(url);
          return scraped.all('flowwatch_state_lag_messages').length === 8 ? scraped : undefined;
        },
        { timeoutMs: 20_000, what: 'the dashboard to read the lag of both topics' },
      );
      expectPromtoolAccepts(metrics);
      expect(metrics.value('flowwatch_state_flows_total')).toBe(truth.flows);
      expect(metrics.value('flowwatch_state_web_requests_total')).toBe(truth.webRequests);
      expect(metrics.value('flowwatch_state_invalid_lines_total')).toBe(truth.invalidLines);
      expect(metrics.value('flowwatch_state_undecodable_messages_total')).toBe(0);
      expect(metrics.all('flowwatch_state_lag_messages').every((s) => s.value === 0)).toBe(true);
      expect(metrics.value('flowwatch_state_watermark_seconds')).toBe(
        await new StateReader(redis, names.prefix).watermark(),
      );
      const likely = [...truth.scores.values()].filter((score) => score >= 10).length;
      expect(metrics.value('flowwatch_state_web_servers')).toBe(likely);
      expect(metrics.value('flowwatch_dashboard_redis_up')).toBe(1);
      expect(metrics.value('flowwatch_dashboard_kafka_up')).toBe(1);
      expect(metrics.value('process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
      // Read-only like the rest of the dashboard.
      expect((await fetch(url, { method: 'POST' })).status).toBe(405);
    } finally {
      dashboard.child.kill('SIGINT');
    }
    const result = await within(dashboard.done, 30_000, 'the dashboard to stop');
    expect(result.code, result.stderr).toBe(0);
  });

  it('answers a scrape only under its own names and those FLOWWATCH_ALLOWED_HOSTS adds: a foreign Host gets 421', async () => {
    const names = runs.named('metrics-hosts');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/metrics`;
    const member = startConsumer(names, ['--metrics-port', String(port)], { FLOWWATCH_ALLOWED_HOSTS: 'prom.example' });
    try {
      await waitFor(async () => (await sendRequest(url, 'GET', '/metrics')).status === 200, {
        timeoutMs: 30_000,
        what: 'the member to serve its metrics',
      }).catch((error: Error) => {
        throw new Error(`${error.message}\n${member.output().stderr.slice(-3000)}`);
      });
      for (const host of ['attacker.example', `attacker.example:${port}`]) {
        const reply = await sendRequest(url, 'GET', '/metrics', host);
        expect(reply.status, host).toBe(421);
        expect(reply.body, host).not.toMatch(/flowwatch_|process_/);
      }
      for (const host of [
        `127.0.0.1:${port}`,
        `localhost:${port}`,
        `[::1]:${port}`,
        `localhost:${port + 1}`,
        'prom.example',
        `prom.example:${port}`,
      ]) {
        const reply = await sendRequest(url, 'GET', '/metrics', host);
        expect(reply.status, host).toBe(200);
        expect(reply.body, host).toMatch(/^process_cpu_seconds_total /m);
      }
    } finally {
      member.child.kill('SIGTERM');
    }
    const result = await within(member.done, 30_000, 'the member to stop');
    expect(result.code, result.stderr).toBe(0);
  });

  it('says so in one sentence, exit 2, when the metrics port is taken; --help tells of the flags', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const names = runs.named('metrics-port');
      const result = await runCli(['consume', '--metrics-port', String(port)], pipelineEnv(names));
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`metrics cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`));
    } finally {
      taken.close();
    }
    for (const command of ['consume', 'produce']) {
      const help = await runCli([command, '--help'], {});
      expect(help.stdout).toMatch(/--metrics-port <port>/);
      expect(help.stdout).toMatch(/--metrics-host <address>/);
    }
    expect((await runCli(['--help'], {})).stdout).toMatch(/--allowed-hosts <list>/);
  });
});
