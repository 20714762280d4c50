// A Prometheus server of the test's own (Debian's /usr/bin/prometheus): its own free port, data
// folder and configuration, scraping the given targets every second; queried through its HTTP API.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROMTOOL } from './metrics.ts';
import { freePort } from './redis-server.ts';
import { waitFor } from './wait-for.ts';

export const PROMETHEUS = '/usr/bin/prometheus';

/** Scrape jobs: job name → `host:port` of its one target. */
export type ScrapeTargets = Readonly<Record<string, string>>;

const RULES_FILE = 'rules.yml';

export interface RuleState {
  readonly name: string;
  /** `ok` once evaluated without error, `err` if the evaluation failed, `unknown` before the first. */
  readonly health: string;
  readonly lastError?: string;
}

export interface QueryResult {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A server still running when the test worker exits is killed, so a failed test leaves none behind. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class OwnPrometheus {
  readonly url: string;
  private readonly dir: string;
  private readonly process: ChildProcess;
  private output = '';
  private stopping: Promise<void> | undefined;

  private constructor(port: number, dir: string, configFile: string) {
    this.url = `http://127.0.0.1:${port}`;
    this.dir = dir;
    this.process = spawn(
      PROMETHEUS,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => {
      this.output = `${this.output}${chunk.toString()}`.slice(-4000);
    };
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    this.process.on('error', (error) => keep(Buffer.from(`cannot run ${PROMETHEUS}: ${error.message}\n`)));
    running.add(this.process);
    this.process.once('exit', () => running.delete(this.process));
  }

  /**
   * Writes the configuration and the alerting `rules` if any (checked with `promtool check config`),
   * starts, and waits until ready.
   */
  static async start(targets: ScrapeTargets, rules?: string): Promise<OwnPrometheus> {
    const dir = mkdtempSync(join(tmpdir(), 'flowwatch-prometheus-'));
    const configFile = join(dir, 'prometheus.yml');
    if (rules !== undefined) writeFileSync(join(dir, RULES_FILE), rules);
    writeFileSync(configFile, scrapeConfig(targets, rules !== undefined));
    const check = spawnSync(PROMTOOL, ['check', 'config', configFile], { encoding: 'utf8' });
    if (check.status !== 0) throw new Error(`promtool rejects the configuration: ${check.stdout}${check.stderr}`);
    const prometheus = new OwnPrometheus(await freePort(), dir, configFile);
    try {
      await waitFor(
        async () => {
          if (prometheus.process.exitCode !== null) throw new Error('prometheus exited');
          return (await fetch(`${prometheus.url}/-/ready`)).status === 200;
        },
        { timeoutMs: 30_000, what: 'prometheus to be ready' },
      );
    } catch (error) {
      await prometheus.stop();
      throw new Error(`${(error as Error).message}\n${prometheus.output}`, { cause: error });
    }
    return prometheus;
  }

  /** An instant query through `/api/v1/query`: the vector it returns. */
  async query(promql: string): Promise<QueryResult[]> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(promql)}`, {
      signal: AbortSignal.timeout(5000),
    });
    const body = (await response.json()) as {
      status: string;
      error?: string;
      data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
    };
    if (body.status !== 'success' || body.data?.resultType !== 'vector') {
      throw new Error(`query ${promql} failed: ${body.error ?? JSON.stringify(body)}`);
    }
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** The one value of a query that returns one series, or undefined while it returns none. */
  async value(promql: string): Promise<number | undefined> {
    const result = await this.query(promql);
    if (result.length > 1) throw new Error(`query ${promql} returned ${result.length} series`);
    return result[0]?.value;
  }

  /** The alerting and recording rules loaded, with their health after the last evaluation. */
  async rules(): Promise<RuleState[]> {
    const response = await fetch(`${this.url}/api/v1/rules`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { data: { groups: { rules: RuleState[] }[] } };
    return body.data.groups.flatMap((group) => group.rules);
  }

  /** What the server said last, for a failure message. */
  get log(): string {
    return this.output;
  }

  /** Stops the server (SIGKILL if it does not stop within 10 s) and deletes its data. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const child = this.process;
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.stopping;
  }
}

function scrapeConfig(targets: ScrapeTargets, withRules: boolean): string {
  const jobs = Object.entries(targets).map(
    ([job, target]) => `  - job_name: ${job}\n    static_configs:\n      - targets: ['${target}']\n`,
  );
  const rules = withRules ? `rule_files:\n  - ${RULES_FILE}\n` : '';
  // A short interval, so a test sees a change within seconds; the timeout may not exceed it.
  return `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\nscrape_configs:\n${jobs.join('')}${rules}`;
}
