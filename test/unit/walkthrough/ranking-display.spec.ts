import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RankedDevice, StateView } from '../../../state/index.ts';
import { RankingDisplay } from '../../../walkthrough/ranking-display.ts';
import { capturedStdout } from '../../support/captured-stdout.ts';
import {
  HOSTILE_CONTROLS,
  HOSTILE_DEVICES,
  HOSTILE_DEVICES_SHOWN,
  TERMINAL_CONTROL,
} from '../../support/hostile-names.ts';

const ranking: RankedDevice[] = Object.values(HOSTILE_DEVICES).map((device, i) => ({ device, webRequests: 40 - i }));

/** A view of the hostile ranking, as the walkthrough reads it. */
const view: StateView = {
  ranking,
  devicesAtMinCount: ranking.length,
  totals: { flows: 100, webRequests: 40, invalidLines: 0, undecodable: 0, timeOutliers: 0 },
  partialStarts: new Map(),
  watermark: undefined,
  check: null,
  progress: [{ topic: 'flows', partition: 0, applied: 60, end: 100, lag: 40 }],
};

/** What a display writes to standard output while it draws the view once. */
function printed(terminal: boolean): Promise<string> {
  return capturedStdout(async () => {
    const display = new RankingDisplay('flows', { minCount: 1, terminal });
    display.draw(view);
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
