// A real Prometheus server (Debian's 2.42) scrapes a consumer, a producer and the dashboard while a
// stream runs; what its query API returns is the pipeline's truth: flows counted, lag back to 0. The
// shipped scrape configuration and alert rules (infra/prometheus/) are checked with promtool, and the
// rules evaluated.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { createRedis, StateReader } from '../../state/index.ts';
import type { RunningCli } from '../support/cli.ts';
import { spawnCli } from '../support/cli.ts';
import { groundTruth } from '../support/ground-truth.ts';
import { PROMTOOL } from '../support/metrics.ts';
import { generatedFile, namedRuns, pipelineEnv, produce, startConsumer } from '../support/pipeline.ts';
import { OwnPrometheus } from '../support/prometheus-server.ts';
import { freePort } from '../support/redis-server.ts';
import type { TestNames } from '../support/test-names.ts';
import { waitFor, within } from '../support/wait-for.ts';

const config = loadConfig(process.env);
const redis = createRedis(config);
const runs = namedRuns(redis);
const ports = { consumer: 0, producer: 0, dashboard: 0 };
const running: RunningCli[] = [];
let names: TestNames;
let prometheus: OwnPrometheus | undefined;

/** The scrape configuration and the alert rules flowwatch ships, as an operator would use them. */
const SCRAPE_CONFIG = fileURLToPath(new URL('../../infra/prometheus/prometheus.yml', import.meta.url));
const ALERT_RULES = readFileSync(new URL('../../infra/prometheus/alerts.yml', import.meta.url), 'utf8');

beforeAll(async () => {
  names = runs.named('prometheus');
  ports.consumer = await freePort();
  ports.producer = await freePort();
  ports.dashboard = await freePort();
  prometheus = await OwnPrometheus.start(
    {
      'flowwatch-consumer': `127.0.0.1:${ports.consumer}`,
      'flowwatch-producer': `127.0.0.1:${ports.producer}`,
      'flowwatch-dashboard': `127.0.0.1:${ports.dashboard}`,
    },
    ALERT_RULES,
  );
});

afterAll(async () => {
  try {
    for (const cli of running) cli.child.kill('SIGINT');
    await Promise.all(
      running.map((cli) =>
        within(cli.done, 30_000, 'a flowwatch process to stop').catch(() => cli.child.kill('SIGKILL')),
      ),
    );
  } finally {
    await prometheus?.stop();
    await runs.cleanup();
    redis.disconnect();
  }
});

/** Waits until `promql` returns `expected`, saying what it last returned if it never does. */
async function eventually(promql: string, expected: number, timeoutMs = 60_000): Promise<void> {
  const server = prometheus as OwnPrometheus;
  let last: number | undefined;
  await waitFor(
    async () => {
      last = await server.value(promql);
      return last === expected;
    },
    { timeoutMs, what: `${promql} == ${expected}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message} (last: ${last})\n${server.log}`);
  });
}

describe('scraped by a real Prometheus', () => {
  it('accepts the shipped scrape configuration and alert rules (promtool check config)', () => {
    const check = spawnSync(PROMTOOL, ['check', 'config', SCRAPE_CONFIG], { encoding: 'utf8' });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
    expect(check.stdout).toMatch(/SUCCESS: 7 rules found/);
  });

  it('reads the flows counted, the lag back to 0 and the producer progress through the query API', async () => {
    const file = generatedFile(30_000, 51);
    const truth = groundTruth(file);
    running.push(startConsumer(names, ['--metrics-port', String(ports.consumer)]));
    running.push(
      spawnCli(['dashboard', '--port', String(ports.dashboard), '--interval-ms', '500'], pipelineEnv(names)),
    );
    // Paced so that its run spans several scrapes.
    await produce(names, file, ['--rate', '6000', '--metrics-port', String(ports.producer)]);

    await eventually('flowwatch_consumer_flows_total{job="flowwatch-consumer"}', truth.flows);
    await eventually('flowwatch_consumer_web_requests_total{job="flowwatch-consumer"}', truth.webRequests);
    await eventually('count(flowwatch_consumer_lag_messages{job="flowwatch-consumer"})', 4);
    await eventually('max(flowwatch_consumer_lag_messages{job="flowwatch-consumer"})', 0);
    await eventually('sum(flowwatch_consumer_partitions_owned{job="flowwatch-consumer"})', 8);
    await eventually('flowwatch_state_flows_total{job="flowwatch-dashboard"}', truth.flows);
    await eventually('count(flowwatch_state_lag_messages{job="flowwatch-dashboard"})', 8);
    await eventually('max(flowwatch_state_lag_messages{job="flowwatch-dashboard"})', 0);
    const totals = await new StateReader(redis, names.prefix).totals();
    expect(totals.flows).toBe(truth.flows);

    // The lag was above 0 while the stream ran, and Prometheus saw it come back down.
    await eventually('max_over_time(max(flowwatch_state_lag_messages{job="flowwatch-dashboard"})[5m:1s]) > bool 0', 1);
    // Every flow's latency was observed once: the histogram's count is the flows counted.
    await eventually('flowwatch_consumer_event_latency_seconds_count{job="flowwatch-consumer"}', truth.flows);
    await eventually(
      'histogram_quantile(0.99, flowwatch_consumer_event_latency_seconds_bucket{job="flowwatch-consumer"}) > bool 0',
      1,
    );

    // The producer has exited; what Prometheus scraped while it ran stays in its storage.
    await eventually('max_over_time(up{job="flowwatch-producer"}[5m])', 1);
    const published = await (prometheus as OwnPrometheus).value(
      'max_over_time(flowwatch_producer_flows_published_total{job="flowwatch-producer"}[5m])',
    );
    expect(published).toBeGreaterThan(0);
    expect(published).toBeLessThanOrEqual(truth.flows);
    await eventually('max_over_time(process_resident_memory_bytes{job="flowwatch-producer"}[5m]) > bool 0', 1);
    await eventually('up{job="flowwatch-consumer"}', 1);
    await eventually('up{job="flowwatch-dashboard"}', 1);

    // The shipped alert rules, loaded into this server, evaluate against the real metrics.
    const server = prometheus as OwnPrometheus;
    const rules = await waitFor(
      async () => {
        const loaded = await server.rules();
        return loaded.length > 0 && loaded.every((rule) => rule.health !== 'unknown') ? loaded : undefined;
      },
      { timeoutMs: 30_000, what: 'every alert rule to be evaluated' },
    );
    expect(rules.map((rule) => [rule.name, rule.health, rule.lastError ?? ''])).toEqual(
      rules.map((rule) => [rule.name, 'ok', '']),
    );
    expect(rules).toHaveLength(7);
  });
});
