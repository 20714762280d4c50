// A produce run that ends before publishing anything (here: the topic holds the source from other
// content) closes the file it opened, instead of leaving its descriptor to the garbage collector.
import { mkdtempSync, readdirSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { generateFlowText } from '../../data/flow-generator.ts';
import { runProduce } from '../../producer/produce-command.ts';
import { createLogger, ErrorCode } from '../../runtime/index.ts';
import { fileTopics } from '../support/file-topics.ts';
import { testNames } from '../support/test-names.ts';

const config = loadConfig(process.env);
const topics = fileTopics(config, 'flowwatch-test-input-release');
const log = createLogger('silent');
const dir = mkdtempSync(join(tmpdir(), 'flowwatch-input-release-'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** This process's file descriptors open on `path` (Linux: /proc/self/fd). */
function descriptorsOpenOn(path: string): string[] {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`) === path;
    } catch {
      return false;
    }
  });
}

describe('flowwatch produce ending early', () => {
  it('closes the input file when it refuses to resume from other content', { timeout: 120_000 }, async () => {
    const names = testNames('input-release');
    topics.track(names.topic);
    const topicConfig = { ...config, topic: names.topic };
    const first = join(dir, 'first.csv');
    const other = join(dir, 'other.csv');
    writeFileSync(first, [...generateFlowText({ lines: 20, seed: 5 })].join(''));
    writeFileSync(other, [...generateFlowText({ lines: 20, seed: 6 })].join(''));
    const published = await runProduce(topicConfig, log, { file: first, source: 'same.csv', json: true });
    expect(published.complete).toBe(true);

    await expect(runProduce(topicConfig, log, { file: other, source: 'same.csv', json: true })).rejects.toMatchObject({
      code: ErrorCode.SOURCE_CHANGED,
    });
    expect(descriptorsOpenOn(other)).toEqual([]);
  });
});
