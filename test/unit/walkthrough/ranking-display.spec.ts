import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RankedDevice, StateReader } from '../../../state/index.ts';
import { RankingDisplay } from '../../../walkthrough/ranking-display.ts';
import { answeringState, refusedWhile } from '../../support/answering-state.ts';
import { capturedStdout } from '../../support/captured-stdout.ts';
import {
  HOSTILE_CONTROLS,
  HOSTILE_DEVICES,
  HOSTILE_DEVICES_SHOWN,
  TERMINAL_CONTROL,
} from '../../support/hostile-names.ts';

const ranking: RankedDevice[] = Object.values(HOSTILE_DEVICES).map((device, i) => ({ device, webRequests: 40 - i }));

/** A state that answers the display's reads with the hostile ranking. */
const totals = { flows: 100, webRequests: 40 };
const state = answeringState({ ranking, totals });

/** What a display of `from` writes to standard output while `draws` run (by default, one draw). */
function printed(
  terminal: boolean,
  from: StateReader = state,
  draws: (display: RankingDisplay) => Promise<void> = (display) => display.draw([]),
): Promise<string> {
  return capturedStdout(async () => {
    const display = new RankingDisplay(from, 'flows', { top: 10, minCount: 1, terminal });
    await draws(display);
    display.done();
  });
}

afterEach(() => vi.restoreAllMocks());

describe("the walkthrough's ranking display", () => {
  it('shows device names with terminal controls escaped in its line a second', async () => {
    const out = await printed(false);
    expect(out).not.toMatch(TERMINAL_CONTROL);
    for (const shown of Object.values(HOSTILE_DEVICES_SHOWN)) expect(out).toContain(`${shown}=`);
  });

  it('shows them escaped in the table it redraws on a terminal', async () => {
    const out = await printed(true);
    for (const shown of Object.values(HOSTILE_DEVICES_SHOWN)) expect(out).toContain(shown);
    // The redrawing itself moves the cursor with escapes: none of the names' own may be left.
    for (const raw of Object.values(HOSTILE_DEVICES)) expect(out).not.toContain(raw);
    for (const control of HOSTILE_CONTROLS) expect(out).not.toContain(control);
  });
});

describe("the walkthrough's ranking display when the state cannot be read", () => {
  let redisDown = true;
  const counted = { flows: 100, webRequests: 40, invalidLines: 0, undecodable: 0, timeOutliers: 0 };
  const failing = answeringState({ ranking, reads: { totals: refusedWhile(() => redisDown, counted) } });

  it('says so in a line of its own, once while the failure lasts, and shows the ranking again after', async () => {
    redisDown = true;
    const out = await printed(false, failing, async (display) => {
      await display.draw([]);
      await display.draw([]);
      redisDown = false;
      await display.draw([]);
    });
    const lines = out.split('\n').filter((line) => line !== '');
    expect(lines.filter((line) => line.includes('ECONNREFUSED'))).toHaveLength(1);
    expect(lines.at(-1)).toMatch(/^counted 100 flows/);
  });

  it('shows the failure in place of the ranking on a terminal', async () => {
    redisDown = true;
    const out = await printed(true, failing);
    expect(out).toContain('ECONNREFUSED');
  });
});
