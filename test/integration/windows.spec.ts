// Event-time windows: per-hour counts per device, exact like the totals; a watermark closes hours,
// and a flow for a closed hour is counted as late, in the all-time total and nowhere else.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { generateFlowText } from '../../data/flow-generator.ts';
import { createRedis, StateReader } from '../../state/index.ts';
import { runCli } from '../support/cli.ts';
import { groundTruth } from '../support/ground-truth.ts';
import {
  consumeToEnd,
  expectStateEqualsFile,
  generatedFile,
  namedRuns,
  pipelineEnv,
  produce,
  readWindows,
  sortedHours,
  sortedScores,
  startConsumer,
} from '../support/pipeline.ts';
import { waitFor } from '../support/wait-for.ts';

const config = loadConfig(process.env);
const redis = createRedis(config);
const runs = namedRuns(redis);
const named = runs.named;

afterAll(async () => {
  await runs.cleanup();
  redis.disconnect();
});

describe('event-time windows', () => {
  it('count web requests per hour exactly, and sum with the late counts to the all-time scores', async () => {
    const names = named('hours');
    const file = generatedFile(50_000, 31);
    await produce(names, file);
    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, file);
    const watermark = await new StateReader(redis, names.prefix).watermark();
    expect(watermark).toBeDefined();
    // The sample spans two days: the watermark is near its end, minus the allowed lateness.
    expect(watermark).toBeGreaterThan(118_781 + 2 * 86_400 - 3600);
  });

  it('counts flows for hours the watermark has closed as late, and nowhere else', async () => {
    const names = named('late');
    const file = generatedFile(20_000, 32);
    await produce(names, file);
    await consumeToEnd(names, {});
    // An out-of-order tail: web requests from the first hours, arriving after the stream moved on.
    const lateFile = `${file}.late-tail`;
    writeFileSync(lateFile, [...generateFlowText({ lines: 2_000, seed: 33, spanSeconds: 10 * 3600 })].join(''));
    await produce(names, lateFile);
    await consumeToEnd(names, {});

    const onTime = groundTruth(file);
    const late = groundTruth(lateFile);
    // Hours stay as the in-order stream left them ...
    expect(await readWindows(redis, names.prefix)).toEqual(sortedHours(onTime.hours));
    // ... the tail's web requests are all late ...
    expect(sortedScores(await new StateReader(redis, names.prefix).lateScores())).toEqual(sortedScores(late.scores));
    // ... and still in the all-time scores: hours plus late equals all time, device by device.
    const scores = sortedScores(await new StateReader(redis, names.prefix).allScores());
    for (const [device, score] of Object.entries(scores)) {
      const inHours = [...onTime.hours.values()].reduce((sum, devices) => sum + (devices.get(device) ?? 0), 0);
      expect(inHours + (late.scores.get(device) ?? 0), device).toBe(score);
    }
  });

  it('leave a far-future Time out of the windows: 200 flows at Time 99999999999 make no later request late', async () => {
    const names = named('far-future');
    const sample = join(mkdtempSync(join(tmpdir(), 'flowwatch-test-')), 'sample.csv');
    writeFileSync(sample, gunzipSync(readFileSync(new URL('../../data/sample-flows.csv.gz', import.meta.url))));
    // Web requests to 200 distinct devices, so the absurd Time reaches every partition first.
    const absurd = Array.from({ length: 200 }, (_, i) => `99999999999,1,Comp1${i},FarFuture${i},6,Port1,80,1,1,1,1\n`);
    const file = `${sample}.far-future`;
    writeFileSync(file, absurd.join('') + readFileSync(sample, 'utf8'));
    await produce(names, file);
    const consumed = await consumeToEnd(names);

    const sampleTruth = groundTruth(sample);
    const state = new StateReader(redis, names.prefix);
    // The sample's hours are exact and none of its requests is late ...
    expect(sortedScores(await state.lateScores())).toEqual({});
    expect(await readWindows(redis, names.prefix)).toEqual(sortedHours(sampleTruth.hours));
    expect((await state.hourScores(33)).get('EnterpriseAppServer')).toBeGreaterThan(0);
    // ... the absurd flows are counted as outliers and, being web requests, in the all-time scores ...
    const totals = await state.totals();
    expect(totals.timeOutliers).toBe(200);
    // ... and the consumer's stop summary says so too, not only Redis.
    const summaries = consumed.stderr
      .split('\n')
      .filter((line) => line.includes('"consumer stopped"'))
      .map((line) => JSON.parse(line) as { timeOutliers?: number });
    expect(summaries.map((summary) => summary.timeOutliers)).toEqual([200]);
    expect(sortedScores(await state.allScores())).toEqual(sortedScores(groundTruth(file).scores));
    // ... and the watermark follows the sample, not the outliers.
    expect(await state.watermark()).toBeLessThan(118_781 + 2 * 86_400);
  });

  it('stay exact through a consumer killed with SIGKILL and restarted', async () => {
    const names = named('window-kill');
    const file = generatedFile(300_000, 34);
    await produce(names, file);
    for (let round = 0; round < 3; round++) {
      const member = startConsumer(names);
      await waitFor(async () => (await new StateReader(redis, names.prefix).totals()).flows > round * 60_000 + 1, {
        timeoutMs: 60_000,
        what: 'progress',
      });
      member.child.kill('SIGKILL');
      await member.done;
    }
    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, file);
  });

  it('show one hour with `flowwatch top --hour`', async () => {
    const names = named('top-hour');
    const file = generatedFile(20_000, 35);
    await produce(names, file);
    await consumeToEnd(names);
    const truth = groundTruth(file);
    const hour = 33;
    const expected = [...(truth.hours.get(hour) ?? new Map<string, number>())].sort(
      (a, b) => b[1] - a[1] || b[0].localeCompare(a[0]),
    )[0];
    const result = await runCli(['top', '--hour', String(hour), '-n', '1', '--json'], pipelineEnv(names));
    expect(result.code, result.stderr).toBe(0);
    expect(expected).toBeDefined();
    expect(JSON.parse(result.stdout)).toEqual([{ device: expected?.[0], webRequests: expected?.[1] }]);
  });
});
