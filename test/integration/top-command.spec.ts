// `flowwatch top` against a state planted by hand: the ranking as people read it, with device names
// that hold terminal controls shown escaped, and exact in --json.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import type { RedisClient } from '../../state/index.ts';
import { connectRedis, createRedis, resetState } from '../../state/index.ts';
import { runCli } from '../support/cli.ts';
import { HOSTILE_DEVICES, HOSTILE_DEVICES_SHOWN, TERMINAL_CONTROL } from '../support/hostile-names.ts';
import { planted } from '../support/planted-state.ts';
import { testNames } from '../support/test-names.ts';

const names = testNames('top');
const config = loadConfig(process.env);
let redis: RedisClient;

const SCORES: Record<string, number> = {
  Web1: 50,
  [HOSTILE_DEVICES.clearScreen]: 40,
  [HOSTILE_DEVICES.retitle]: 30,
  [HOSTILE_DEVICES.fakeVerdict]: 20,
  [HOSTILE_DEVICES.others]: 10,
};

beforeAll(async () => {
  redis = await connectRedis(createRedis(config), config);
  await planted.scores(redis, names.prefix, SCORES);
});

afterAll(async () => {
  await resetState(redis, names.prefix);
  redis.disconnect();
});

const top = (args: string[]) => runCli(['top', ...args], { FLOWWATCH_KEY_PREFIX: names.prefix });

describe('flowwatch top', () => {
  it('shows device names with terminal controls escaped, one row per device', async () => {
    const result = await top(['-n', '10']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(TERMINAL_CONTROL);
    const rows = result.stdout.split('\n').filter((line) => line !== '');
    expect(rows).toHaveLength(1 + Object.keys(SCORES).length);
    const shown = ['Web1', ...Object.values(HOSTILE_DEVICES_SHOWN)];
    shown.forEach((device, i) => {
      expect(rows[i + 1]?.trim().split(/\s{2,}/)).toEqual([String(i + 1), device, String(50 - 10 * i)]);
    });
  });

  it('prints the names exactly as stored with --json', async () => {
    const result = await top(['-n', '10', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(
      Object.entries(SCORES).map(([device, webRequests]) => ({ device, webRequests })),
    );
  });
});
