// The dashboard's HTTP surface, without a browser: what it serves and with which headers, that it
// answers nothing else, that its events carry the state, and that it only ever reads Redis.

import { spawnSync } from 'node:child_process';
import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../config/index.ts';
import { DashboardServer, HOURS_SHOWN, MAX_EVENT_STREAMS, type Snapshot } from '../../dashboard/index.ts';
import { createLogger, FlowwatchError } from '../../runtime/index.ts';
import type { RedisClient } from '../../state/index.ts';
import { createRedis, resetState, stateKeyPattern } from '../../state/index.ts';
import { spawnCli } from '../support/cli.ts';
import { dashboardSnapshotWhere } from '../support/dashboard-events.ts';
import { type HttpReply, sendRequest } from '../support/http-request.ts';
import { pipelineEnv } from '../support/pipeline.ts';
import { planted } from '../support/planted-state.ts';
import { OwnRedis } from '../support/redis-server.ts';
import { type TestNames, testNames } from '../support/test-names.ts';
import { waitFor } from '../support/wait-for.ts';

const log = createLogger('silent');
let own: OwnRedis;
let names: TestNames;
let config: Config;
let redis: RedisClient;
let dashboard: DashboardServer;

const options = { host: '127.0.0.1', port: 0, anyPortIfTaken: false, top: 10, minCount: 10, intervalMs: 200 };

beforeAll(async () => {
  own = await OwnRedis.start();
  names = testNames('dashboard-http');
  config = loadConfig({ ...process.env, ...configSource() });
  redis = createRedis(config);
  const prefix = names.prefix;
  await planted.scores(redis, prefix, { Web1: 50, Web2: 20, Client9: 3 });
  await planted.totals(redis, prefix, { flows: 1000, webRequests: 73, invalidLines: 2, undecodable: 1 });
  await planted.hour(redis, prefix, 32, { Web1: 12, Web2: 20 });
  await planted.hour(redis, prefix, 33, { Web1: 38 });
  await planted.watermark(redis, prefix, 118_800);
  dashboard = await DashboardServer.start(config, log, options);
});

/** The settings of this file's dashboard: its own Redis, topic and key prefix. */
function configSource(): Record<string, string> {
  return {
    REDIS_URL: own.url,
    FLOWWATCH_TOPIC: names.topic,
    FLOWWATCH_GROUP: names.group,
    FLOWWATCH_KEY_PREFIX: names.prefix,
  };
}

afterAll(async () => {
  await dashboard?.stop();
  redis?.disconnect();
  await own?.stop();
});

/** True when `source` is valid JavaScript as a module (node checks it without running it). */
function parsesAsModule(source: string): boolean {
  return spawnSync(process.execPath, ['--input-type=module', '--check', '-'], { input: source }).status === 0;
}

/** A request with the path exactly as given (fetch would normalise `..` away). */
function send(method: string, path: string): Promise<HttpReply> {
  return sendRequest(dashboard.url, method, path);
}

/** Reads the event stream until a snapshot satisfies `wanted`. */
function snapshotWhere(wanted: (s: Snapshot) => boolean, timeoutMs = 10_000): Promise<Snapshot> {
  return dashboardSnapshotWhere(dashboard.url, wanted, timeoutMs);
}

describe('dashboard server', () => {
  it('serves the page, its script with the types stripped, and Chart.js, under a strict content policy', async () => {
    const expected = {
      '/': 'text/html; charset=utf-8',
      '/dashboard.css': 'text/css; charset=utf-8',
      '/dashboard-page.js': 'text/javascript; charset=utf-8',
      '/chart.umd.js': 'text/javascript; charset=utf-8',
    };
    for (const [path, type] of Object.entries(expected)) {
      const reply = await send('GET', path);
      expect(reply.status, path).toBe(200);
      expect(reply.headers['content-type'], path).toBe(type);
      expect(reply.headers['content-security-policy'], path).toBe("default-src 'self'");
      expect(reply.headers['x-content-type-options'], path).toBe('nosniff');
    }
    const html = (await send('GET', '/')).body;
    expect(html).toContain('<script src="/dashboard-page.js" type="module">');
    // No inline script: the policy would block it.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const script = (await send('GET', '/dashboard-page.js')).body;
    // A module: it and every module it imports, served beside it, parse as JavaScript once stripped.
    const served = new Map([['dashboard-page.js', script]]);
    for (const [, source] of served) {
      expect(parsesAsModule(source)).toBe(true);
      for (const [, imported] of source.matchAll(/from '\.\/([\w-]+\.js)'/g)) {
        if (imported === undefined || served.has(imported)) continue;
        const reply = await send('GET', `/${imported}`);
        expect(reply.status, imported).toBe(200);
        served.set(imported, reply.body);
      }
    }
    expect(served.size).toBeGreaterThan(1);
    expect(script).toContain("new EventSource('/events')");
    // The time outliers have a figure of their own, filled from the totals.
    expect(html).toContain('<dd id="time-outliers">');
    expect(script).toContain("'time-outliers'");
    expect((await send('GET', '/chart.umd.js')).body).toMatch(/Chart\.js v4/);
  });

  it('answers any other path with 404 and any other method with 405, never 2xx', async () => {
    for (const path of [
      '/nope',
      '/index.html',
      '/dashboard-page.ts',
      '/../package.json',
      '/events/x',
      '//',
      '/page/',
    ]) {
      const reply = await send('GET', path);
      expect(reply.status, path).toBe(404);
      expect(reply.headers['content-security-policy'], path).toBe("default-src 'self'");
    }
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      for (const path of ['/', '/events', '/chart.umd.js']) {
        const reply = await send(method, path);
        expect(reply.status, `${method} ${path}`).toBe(405);
        expect(reply.headers.allow).toBe('GET');
      }
      expect((await send(method, '/nope')).status).toBe(404);
    }
    // A query string does not open another door: the path alone is looked up.
    expect((await send('GET', '/?x=<script>')).status).toBe(200);
  });

  it('pushes snapshots of the state as server-sent events', async () => {
    const snapshot = await snapshotWhere((s) => s.redisReachable);
    expect(snapshot.topic).toBe(names.topic);
    // The page names the state by the pattern state/ builds, never one of its own.
    expect(snapshot.keyPattern).toBe(stateKeyPattern(names.prefix));
    expect(snapshot.top).toEqual([
      { device: 'Web1', webRequests: 50 },
      { device: 'Web2', webRequests: 20 },
      { device: 'Client9', webRequests: 3 },
    ]);
    expect(snapshot.minCount).toBe(10);
    expect(snapshot.devicesAtMinCount).toBe(2);
    expect(snapshot.totals).toEqual({ flows: 1000, webRequests: 73, invalidLines: 2, undecodable: 1, timeOutliers: 0 });
    expect(snapshot.deadLetters).toBe(3);
    expect(snapshot.watermark).toBe(118_800);
    expect(snapshot.hourly).toEqual({
      earlierHours: 0,
      hours: [32, 33],
      devices: [
        { device: 'Web1', counts: [12, 38] },
        { device: 'Web2', counts: [20, 0] },
        { device: 'Client9', counts: [0, 0] },
      ],
    });
    expect(snapshot.check).toBeNull();
    // The topic does not exist: Kafka answers, with no partitions to report.
    expect(snapshot.kafkaReachable).toBe(true);
    expect(snapshot.partitions).toEqual([]);

    await planted.addToScore(redis, names.prefix, 'Web2', 25);
    await planted.addToTotal(redis, names.prefix, 'flows', 500);
    const later = await snapshotWhere((s) => s.totals?.flows === 1500);
    expect(later.top.slice(0, 2)).toEqual([
      { device: 'Web1', webRequests: 50 },
      { device: 'Web2', webRequests: 45 },
    ]);
  });

  it('only reads Redis, whatever it is asked', async () => {
    const monitor = await new Redis(config.redisUrl).monitor();
    const commands: string[] = [];
    monitor.on('monitor', (_time: string, args: string[]) => commands.push(String(args[0]).toLowerCase()));
    try {
      await snapshotWhere((s) => s.redisReachable);
      // Every method on every path (the event stream is opened by snapshotWhere: it never ends).
      for (const method of ['GET', 'POST', 'PUT', 'DELETE'])
        for (const path of ['/', '/events', '/nope', '/dashboard-page.js'])
          if (method !== 'GET' || path !== '/events') await send(method, path);
      await snapshotWhere((s) => s.redisReachable);
      await waitFor(() => commands.includes('zmscore'), { timeoutMs: 5000, what: 'the dashboard reading hours' });
    } finally {
      monitor.disconnect();
    }
    const seen = [...new Set(commands)];
    const writing: string[] = [];
    for (const name of seen) {
      const [info] = (await redis.command('INFO', name)) as [unknown[] | null];
      const flags = (info?.[2] ?? []) as string[];
      if (flags.includes('write')) writing.push(name);
    }
    expect(seen).toEqual(expect.arrayContaining(['zrevrangebyscore', 'hgetall', 'zmscore', 'get']));
    expect(writing).toEqual([]);
  });

  it('fails with a plain sentence when its port is taken, or takes any free one if allowed', async () => {
    const port = Number(new URL(dashboard.url).port);
    const error = await DashboardServer.start(config, log, { ...options, port }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowwatchError);
    expect((error as Error).message).toMatch(/port is in use/);
    const elsewhere = await DashboardServer.start(config, log, { ...options, port, anyPortIfTaken: true });
    try {
      expect(Number(new URL(elsewhere.url).port)).not.toBe(port);
      expect((await fetch(elsewhere.url)).status).toBe(200);
    } finally {
      await elsewhere.stop();
    }
  });

  it('answers only to its own names: a foreign Host gets 421 on every path, the local names 200 on any port', async () => {
    const { port } = new URL(dashboard.url);
    for (const path of ['/', '/metrics', '/events', '/dashboard-page.js', '/nope']) {
      for (const host of ['attacker.example', `attacker.example:${port}`]) {
        const reply = await sendRequest(dashboard.url, 'GET', path, host);
        expect(reply.status, `${host} ${path}`).toBe(421);
        expect(reply.body, `${host} ${path}`).toMatch(/^this server answers only to its own names/);
        expect(reply.body).not.toContain('Web1');
      }
    }
    // A forwarded port (docker -p 18080:8080, ssh -L) arrives with the outside port in Host.
    for (const host of [
      `localhost:${port}`,
      `127.0.0.1:${port}`,
      `[::1]:${port}`,
      `LocalHost:${port}`,
      `localhost:${Number(port) + 1}`,
      '127.0.0.1',
    ]) {
      expect((await sendRequest(dashboard.url, 'GET', '/', host)).status, host).toBe(200);
      expect((await sendRequest(dashboard.url, 'GET', '/metrics', host)).status, host).toBe(200);
    }
  });

  it('answers to the names FLOWWATCH_ALLOWED_HOSTS adds, for a proxy in front of it', async () => {
    const proxied = loadConfig({
      ...process.env,
      ...configSource(),
      FLOWWATCH_ALLOWED_HOSTS: 'dash.example, other.example:8443',
    });
    const behind = await DashboardServer.start(proxied, log, options);
    try {
      const { port } = new URL(behind.url);
      for (const host of ['dash.example', 'dash.example:443', 'Other.Example:8443', `localhost:${port}`]) {
        expect((await sendRequest(behind.url, 'GET', '/', host)).status, host).toBe(200);
        expect((await sendRequest(behind.url, 'GET', '/metrics', host)).status, host).toBe(200);
      }
      for (const host of ['other.example', 'other.example:443', 'attacker.example', 'dash.example.attacker.example']) {
        expect((await sendRequest(behind.url, 'GET', '/', host)).status, host).toBe(421);
      }
    } finally {
      await behind.stop();
    }
  });

  it(`keeps at most ${MAX_EVENT_STREAMS} event streams open: one more gets 503 until one closes`, async () => {
    const { hostname, port } = new URL(dashboard.url);
    const open: ClientRequest[] = [];
    const openStream = () =>
      new Promise<IncomingMessage>((resolve, reject) => {
        const req = request({ host: hostname, port, path: '/events' }, resolve);
        req.on('error', reject);
        req.end();
        open.push(req);
      });
    try {
      for (let i = 0; i < MAX_EVENT_STREAMS; i++) {
        const response = await openStream();
        expect(response.statusCode, `stream ${i + 1}`).toBe(200);
      }
      const refused = await sendRequest(dashboard.url, 'GET', '/events');
      expect(refused.status).toBe(503);
      expect(refused.body).toMatch(/too many/);
      // The page itself is still served.
      expect((await send('GET', '/')).status).toBe(200);
      open.shift()?.destroy();
      const again = await waitFor(
        async () => {
          const response = await openStream();
          if (response.statusCode === 200) return response;
          response.resume();
          return undefined;
        },
        { timeoutMs: 5000, what: 'a stream to be accepted once one closed' },
      );
      expect(again.statusCode).toBe(200);
    } finally {
      for (const req of open) req.destroy();
    }
  });

  it(`pushes only the last ${HOURS_SHOWN} event-time hours, and says how many it left out`, async () => {
    const many = testNames('dashboard-hours');
    const manyConfig = loadConfig({ ...process.env, REDIS_URL: own.url, FLOWWATCH_KEY_PREFIX: many.prefix });
    const first = 1000;
    const counted = HOURS_SHOWN + 40;
    for (let hour = first; hour < first + counted; hour++) await planted.hour(redis, many.prefix, hour, { Web1: hour });
    await planted.scores(redis, many.prefix, { Web1: 1 });
    const bounded = await DashboardServer.start(manyConfig, log, options);
    try {
      const snapshot = await dashboardSnapshotWhere(bounded.url, (s) => s.redisReachable);
      const shown = Array.from({ length: HOURS_SHOWN }, (_, i) => first + counted - HOURS_SHOWN + i);
      expect(snapshot.hourly.hours).toEqual(shown);
      expect(snapshot.hourly.devices).toEqual([{ device: 'Web1', counts: shown }]);
      expect(snapshot.hourly.earlierHours).toBe(counted - HOURS_SHOWN);
    } finally {
      await bounded.stop();
      await resetState(redis, many.prefix);
    }
  });

  it('runs as `flowwatch dashboard`: prints its address, serves it to the names allowed, and stops on SIGINT with exit 0', async () => {
    const cli = spawnCli(['--allowed-hosts', 'proxy.example', 'dashboard', '--port', '0', '--interval-ms', '200'], {
      ...pipelineEnv(names),
      REDIS_URL: own.url,
    });
    try {
      const url = await waitFor(() => /^dashboard: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(cli.output().stdout)?.[1], {
        timeoutMs: 15_000,
        what: 'the dashboard address',
      });
      expect((await fetch(url)).status).toBe(200);
      // --allowed-hosts reaches the server: the proxy's name is answered, no other.
      expect((await sendRequest(url, 'GET', '/', 'proxy.example')).status).toBe(200);
      expect((await sendRequest(url, 'GET', '/', 'attacker.example')).status).toBe(421);
      cli.child.kill('SIGINT');
      const result = await cli.done;
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`dashboard: ${url}\n`);
    } finally {
      if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
    }
  });
});
