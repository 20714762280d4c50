// `npm start` as a newcomer runs it: a child process that streams a file end to end and ends with
// the batch check's verdict.
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis, loadConfig } from '../../common/index.ts';
import { StateReader } from '../../state/index.ts';
import { ROOT } from '../support/cli.ts';
import { generatedFile, namedRuns, pipelineEnv } from '../support/pipeline.ts';
import { planted } from '../support/planted-state.ts';
import { freePort } from '../support/redis-server.ts';
import type { TestNames } from '../support/test-names.ts';
import { waitFor } from '../support/wait-for.ts';

const config = loadConfig(process.env);
const redis = createRedis(config);
const runs = namedRuns(redis);
const KAFKA_SCRIPT = fileURLToPath(new URL('../../infra/kafka.sh', import.meta.url));
/** A broker the first-run test has `npm start` start itself, on ports of its own. */
let ownBroker: Record<string, string> | undefined;

afterAll(async () => {
  if (ownBroker !== undefined) {
    execFileSync(KAFKA_SCRIPT, ['stop'], { env: { ...process.env, ...ownBroker }, stdio: 'ignore' });
    rmSync(`${ROOT}.flowwatch/kafka-${ownBroker.KAFKA_PORT}`, { recursive: true, force: true });
  }
  await runs.cleanup();
  redis.disconnect();
});

function npmStart(names: TestNames, args: string[], env: Record<string, string> = { LOG_LEVEL: 'warn' }) {
  const child = spawn('npm', ['start', '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...pipelineEnv(names), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done };
}

describe('npm start', () => {
  it('streams a file through two consumers and ends with the agreement line, again and again', async () => {
    const names = runs.named('start');
    const file = generatedFile(30_000, 21);
    for (let run = 1; run <= 2; run++) {
      const result = await npmStart(names, [file, '--rate', '20000']).done;
      expect(result.code, result.stderr + result.stdout).toBe(0);
      expect(result.stdout).toMatch(/^stream and batch agree: [\d,]+ web servers .*, [\d,]+ port-80 flows$/m);
      expect(result.stdout).toMatch(/fresh run: topic/);
      expect(result.stdout).toMatch(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/$/m);
    }
    expect((await new StateReader(redis, names.prefix).totals()).flows).toBe(30_000);
  });

  it('prints no error and no stack trace on a first run that starts its own broker', async () => {
    const port = await freePort();
    ownBroker = { KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(await freePort()) };
    const names = runs.named('first');
    // The default log level, as a newcomer runs it; the broker is brand new, formatted by this run.
    const result = await npmStart(names, ['--rate', '50000'], {
      ...ownBroker,
      KAFKA_BROKERS: `127.0.0.1:${port}`,
      LOG_LEVEL: '',
    }).done;
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.code, output).toBe(0);
    expect(result.stdout).toMatch(/^no Kafka or Redis answers: starting the local ones/m);
    expect(result.stdout).toMatch(/^stream and batch agree/m);
    const errorLines = output
      .split('\n')
      .filter((line) => /"level":(50|60)\b|\bERROR\b|^\s+at .+:\d+:\d+\)?$|^\w*Error: /.test(line));
    expect(errorLines).toEqual([]);
  });

  it('ends with exit 1 and the difference when the state is tampered with mid-run', async () => {
    const names = runs.named('tamper');
    const file = generatedFile(60_000, 22);
    const run = npmStart(names, [file, '--rate', '15000']);
    await waitFor(async () => (await new StateReader(redis, names.prefix).totals()).flows > 5000, {
      timeoutMs: 60_000,
      what: 'progress',
    });
    await planted.addToScore(redis, names.prefix, 'Tampered', 5);
    const result = await run.done;
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/Tampered\s+0\s+5\s+\+5/);
    expect(result.stdout).toMatch(/^stream and batch differ/m);
  });
});
