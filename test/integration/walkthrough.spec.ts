// `npm start` as a newcomer runs it: a child process that streams a file end to end and ends with
// the batch check's verdict.
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { createRedis, loadConfig, readTotals, redisKeys } from '../../common/index.ts';
import { ROOT } from '../support/cli.ts';
import { generatedFile, namedRuns, pipelineEnv } from '../support/pipeline.ts';
import type { TestNames } from '../support/test-names.ts';
import { waitFor } from '../support/wait-for.ts';

const config = loadConfig(process.env);
const redis = createRedis(config);
const runs = namedRuns(redis);

afterAll(async () => {
  await runs.cleanup();
  redis.disconnect();
});

function npmStart(names: TestNames, args: string[]) {
  const child = spawn('npm', ['start', '--', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...pipelineEnv(names), LOG_LEVEL: 'warn' },
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
    expect((await readTotals(redis, names.prefix)).flows).toBe(30_000);
  });

  it('ends with exit 1 and the difference when the state is tampered with mid-run', async () => {
    const names = runs.named('tamper');
    const file = generatedFile(60_000, 22);
    const run = npmStart(names, [file, '--rate', '15000']);
    await waitFor(async () => (await readTotals(redis, names.prefix)).flows > 5000, {
      timeoutMs: 60_000,
      what: 'progress',
    });
    await redis.zincrby(redisKeys.webservers(names.prefix), 5, 'Tampered');
    const result = await run.done;
    expect(result.code, result.stderr).toBe(1);
    expect(result.stdout).toMatch(/Tampered\s+0\s+5\s+\+5/);
    expect(result.stdout).toMatch(/^stream and batch differ/m);
  });
});
