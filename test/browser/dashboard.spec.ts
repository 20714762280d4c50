// The dashboard as a person sees it, in Debian's Chromium: the ranking and figures grow while a real
// stream runs, the hourly chart fills, a hostile device name stays text, the batch check's verdict
// appears, and the page says "Redis unreachable" while Redis is away and recovers by itself.

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../config/index.ts';
import { DashboardServer } from '../../dashboard/index.ts';
import { connectAdmin, createKafka } from '../../kafka/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import { createLogger } from '../../runtime/index.ts';
import type { RedisClient } from '../../state/index.ts';
import { createRedis, stateKeyPattern } from '../../state/index.ts';
import { ROOT, type RunningCli, runCli, spawnCli } from '../support/cli.ts';
import { groundTruth } from '../support/ground-truth.ts';
import { consumeToEnd, generatedFile, pipelineEnv, produce, startConsumer } from '../support/pipeline.ts';
import { planted } from '../support/planted-state.ts';
import { OwnRedis } from '../support/redis-server.ts';
import { type TestNames, testNames } from '../support/test-names.ts';
import { waitFor } from '../support/wait-for.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const SCREENSHOT = join(ROOT, 'test-artifacts', 'dashboard.png');
const HOSTILE = '<img src=x onerror=alert(1)>';
/** Second place in the generated file's ranking: a bar, a ranking row and a line of the hourly chart. */
const HOSTILE_SCORE = 800;
const FLOWS = 30_000;
const log = createLogger('silent');

let shared: OwnRedis;
let userDataDir: string;
let browser: BrowserContext;
let file: string;

/** One test's own stream: its names, its Redis, a dashboard over them, and a page showing it. */
interface Scene {
  readonly names: TestNames;
  readonly env: Record<string, string>;
  readonly redis: RedisClient;
  readonly config: Config;
  readonly dashboard: DashboardServer;
  readonly page: Page;
  /** The messages of any dialog the page opened: markup run as code would open one. */
  readonly dialogs: string[];
}
const scenes: Scene[] = [];
const processes: RunningCli[] = [];

/** What the page shows, read in the browser: its text and the charts' data. */
interface PageState {
  readonly status: string;
  readonly flows: string;
  readonly produced: string;
  readonly consumed: string;
  readonly deadLetters: string;
  readonly check: string;
  readonly bars: { labels: string[]; data: number[]; threshold: number[] };
  readonly hourly: { labels: string[]; datasets: { label: string; data: number[] }[] };
  readonly ranking: string[][];
  readonly lag: string[][];
  readonly differences: string[][];
  readonly bodyText: string;
  readonly images: number;
}

// Runs in the page, where Chart.js and the DOM are; kept as source text because the tests are
// type-checked for Node, not for a browser.
const READ_PAGE = `(() => {
  const text = (id) => document.getElementById(id).textContent;
  const rows = (id) =>
    [...document.querySelectorAll('#' + id + ' tbody tr')].map((row) => [...row.cells].map((cell) => cell.textContent));
  const top = Chart.getChart('top-chart').data;
  const hourly = Chart.getChart('hourly-chart').data;
  return {
    status: text('status'),
    flows: text('flows'),
    produced: text('produced'),
    consumed: text('consumed'),
    deadLetters: text('dead-letters'),
    check: text('check'),
    bars: { labels: [...top.labels], data: [...top.datasets[0].data], threshold: [...top.datasets[1].data] },
    hourly: { labels: [...hourly.labels], datasets: hourly.datasets.map((d) => ({ label: d.label, data: [...d.data] })) },
    ranking: rows('ranking'),
    lag: rows('lag'),
    differences: rows('check-differences'),
    bodyText: document.body.innerText,
    images: document.querySelectorAll('img').length,
  };
})()`;

async function pageState(page: Page): Promise<PageState> {
  return (await page.evaluate(READ_PAGE)) as PageState;
}

async function pageWhere(
  page: Page,
  wanted: (state: PageState) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<PageState> {
  return waitFor(
    async () => {
      const state = await pageState(page);
      return wanted(state) ? state : undefined;
    },
    { timeoutMs, intervalMs: 100, what },
  );
}

const count = (text: string) => Number(text.replace(/[^\d]/g, '') || 'NaN');
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
/** The bars of the streamed devices, without the one planted by hand. */
const streamedBars = (state: PageState) => sum(state.bars.data.filter((_, i) => state.bars.labels[i] !== HOSTILE));
const allFlows = FLOWS.toLocaleString('en-US');

/**
 * A scene on the given Redis with the hostile device planted before anything is streamed (the
 * consumers add to the set around it), and a page of its own open on its dashboard.
 */
async function openScene(redisServer: OwnRedis, topic?: string): Promise<Scene> {
  const own = testNames('dashboard');
  const names = { ...own, topic: topic ?? own.topic };
  const env = { ...pipelineEnv(names), REDIS_URL: redisServer.url };
  const config = loadConfig({ ...process.env, ...env });
  const redis = createRedis(config);
  await planted.scores(redis, names.prefix, { [HOSTILE]: HOSTILE_SCORE });
  const dashboard = await DashboardServer.start(config, log, {
    host: '127.0.0.1',
    port: 0,
    anyPortIfTaken: false,
    top: 10,
    minCount: 10,
    intervalMs: 250,
  });
  const page = await browser.newPage();
  const scene = { names, env, redis, config, dashboard, page, dialogs: [] as string[] };
  scenes.push(scene);
  page.on('dialog', (dialog) => {
    scene.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return scene;
}

/** The file in a topic, produced once by the first test that asks: the counted scenes only read it. */
let fileTopic: Promise<string> | undefined;
function producedTopic(): Promise<string> {
  fileTopic ??= (async () => {
    const names = testNames('dashboard');
    await produce(names, file);
    return names.topic;
  })();
  return fileTopic;
}

/**
 * A scene whose stream is over: the whole file counted from the shared topic under the scene's own
 * group and key prefix, and the page showing it all.
 */
async function countedScene(redisServer: OwnRedis): Promise<Scene> {
  const scene = await openScene(redisServer, await producedTopic());
  await consumeToEnd(scene.names, { REDIS_URL: redisServer.url });
  await scene.page.goto(scene.dashboard.url);
  await pageWhere(scene.page, (s) => s.flows === allFlows && s.bars.labels.length > 0, 'every flow on the page');
  return scene;
}

/** One counted scene for the tests that only read it, made by whichever of them runs first. */
let readOnlyScene: Promise<Scene> | undefined;
function sharedCountedScene(): Promise<Scene> {
  readOnlyScene ??= countedScene(shared);
  return readOnlyScene;
}

async function closeScene(scene: Scene): Promise<void> {
  await scene.page.close();
  await scene.dashboard.stop();
  scene.redis.disconnect();
  const admin = await connectAdmin(createKafka(scene.config, log, 'test-cleanup'), scene.config);
  await admin.deleteTopics({ topics: [scene.names.topic, deadLetterTopic(scene.names.topic)] }).catch(() => undefined);
  await admin.disconnect();
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the browser tests need Debian's Chromium at ${CHROMIUM}, which is missing: apt-get install -y chromium`,
    );
  }
  file = generatedFile(FLOWS, 31);
  shared = await OwnRedis.start();
  userDataDir = mkdtempSync(join(tmpdir(), 'flowwatch-chromium-'));
  browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
});

afterAll(async () => {
  for (const running of processes) if (running.child.exitCode === null) running.child.kill('SIGTERM');
  await Promise.all(processes.map((running) => running.done));
  for (const scene of scenes) await closeScene(scene);
  await browser?.close();
  if (userDataDir !== undefined) rmSync(userDataDir, { recursive: true, force: true });
  await shared?.stop();
});

describe('dashboard in Chromium', () => {
  it('shows the ranking, the bars and the figures growing while a stream runs', async () => {
    const { names, page, dashboard } = await openScene(shared);
    const consumer = startConsumer(names, [], { REDIS_URL: shared.url });
    processes.push(consumer);
    const producer = spawnCli(['produce', file, '--json', '--no-progress', '--rate', '5000'], pipelineEnv(names));
    processes.push(producer);
    await page.goto(dashboard.url);

    const early = await pageWhere(
      page,
      (s) => count(s.flows) > 0 && streamedBars(s) > 0,
      'the first counts on the page',
    );
    const later = await pageWhere(
      page,
      (s) => count(s.flows) > count(early.flows) && streamedBars(s) > streamedBars(early),
      'the counts and bars to grow',
    );
    expect(later.status.startsWith(`live: ${stateKeyPattern(names.prefix)}, topic ${names.topic}, `)).toBe(true);
    // The threshold is drawn along the bars.
    expect(later.bars.threshold.length).toBe(later.bars.labels.length);
    expect(new Set(later.bars.threshold)).toEqual(new Set([10]));
    // Both rates are shown while the stream runs.
    await pageWhere(page, (s) => count(s.produced) > 0 && count(s.consumed) > 0, 'flows/s produced and consumed');
    // Lag per partition: the flow topic's four and its dead-letter topic's four.
    expect(later.lag.map((row) => row[0])).toEqual(
      expect.arrayContaining([`${names.topic}/0`, `${names.topic}/3`, `${deadLetterTopic(names.topic)}/0`]),
    );

    const ended = await producer.done;
    expect(ended.code, ended.stderr).toBe(0);
    const done = await pageWhere(
      page,
      (s) => s.flows === allFlows && s.lag.every((row) => row[3] === '0'),
      'every flow counted and no lag',
      60_000,
    );
    expect(done.deadLetters).toMatch(/^0 \(/);
    expect(done.bars.labels[0]).toBe('EnterpriseAppServer');
  });

  it('draws web requests per event-time hour for the top five servers', async () => {
    const { page } = await sharedCountedScene();
    // Nothing planted: the hours are the ones the consumers counted the streamed file into.
    const truth = groundTruth(file);
    const hours = [...truth.hours.keys()].sort((a, b) => a - b);
    const state = await pageWhere(
      page,
      (s) => s.hourly.labels.length === hours.length && s.hourly.datasets.some((d) => sum(d.data) > 0),
      'the hourly chart to fill',
    );
    expect(state.hourly.labels.map(Number)).toEqual(hours);
    expect(state.hourly.datasets.map((d) => d.label)).toEqual(state.bars.labels.slice(0, 5));
    for (const dataset of state.hourly.datasets) {
      const counted = hours.map((hour) => truth.hours.get(hour)?.get(dataset.label) ?? 0);
      expect(dataset.data, dataset.label).toEqual(counted);
    }
  });

  it('shows a hostile device name as its characters, never as markup', async () => {
    const { page, dialogs } = await sharedCountedScene();
    const state = await pageState(page);
    expect(state.bars.labels).toContain(HOSTILE);
    expect(state.hourly.datasets.map((d) => d.label)).toContain(HOSTILE);
    expect(state.ranking).toContainEqual(['2', HOSTILE, HOSTILE_SCORE.toLocaleString('en-US')]);
    expect(state.bodyText).toContain(HOSTILE);
    expect(state.images).toBe(0);
    expect(dialogs).toEqual([]);
  });

  it("shows the batch check's verdict once it has run: the difference, then agreement", async () => {
    // Its own scene: the check's verdict and the removed device change what the page shows.
    const { names, env, redis, page, dialogs } = await countedScene(shared);
    expect((await pageState(page)).check).toMatch(/^not run yet/);
    // The planted device is not in the file: the real batch check finds exactly that difference.
    const differ = await runCli(['verify', file], env);
    expect(differ.code, differ.stderr).toBe(1);
    const shown = await pageWhere(page, (s) => s.check.startsWith('stream and batch differ'), 'the difference');
    expect(shown.differences).toContainEqual([HOSTILE, '0', HOSTILE_SCORE.toLocaleString('en-US'), '+800']);
    expect(shown.images).toBe(0);
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    // The bars glide to new values: wait until they are still, so the picture shows them whole.
    await waitFor(() => page.evaluate("!Chart.animator.running(Chart.getChart('top-chart'))"), {
      timeoutMs: 5000,
      what: 'the bar chart to stop moving',
    });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await planted.removeDevice(redis, names.prefix, HOSTILE);
    const agree = await runCli(['verify', file], env);
    expect(agree.code, agree.stderr).toBe(0);
    const agreed = await pageWhere(page, (s) => s.check.startsWith('stream and batch agree'), 'the agreement');
    expect(agreed.check).toContain(`${allFlows} flows`);
    expect(agreed.bars.labels).not.toContain(HOSTILE);
    expect(dialogs).toEqual([]);
  });

  it('says "Redis unreachable" while Redis is away, keeps the last state, and recovers by itself', async () => {
    // A Redis of its own, as it stops it.
    const own = await OwnRedis.start();
    try {
      const { page } = await countedScene(own);
      await own.stop();
      const away = await pageWhere(page, (s) => s.status.includes('Redis unreachable'), '"Redis unreachable"');
      expect(away.flows).toBe(allFlows);
      expect(away.bars.labels.length).toBeGreaterThan(0);
      await own.start();
      const back = await pageWhere(page, (s) => s.status.startsWith('live: '), 'the page to recover');
      expect(back.status).not.toContain('unreachable');
      expect(back.flows).toBe(allFlows);
    } finally {
      await own.stop();
    }
  });
});
