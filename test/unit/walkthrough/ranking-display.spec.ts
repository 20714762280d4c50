import { afterEach, describe, expect, it, vi } from 'vitest';
import type { RankedDevice, StateReader } from '../../../state/index.ts';
import { RankingDisplay } from '../../../walkthrough/ranking-display.ts';
import {
  HOSTILE_CONTROLS,
  HOSTILE_DEVICES,
  HOSTILE_DEVICES_SHOWN,
  TERMINAL_CONTROL,
} from '../../support/hostile-names.ts';

const ranking: RankedDevice[] = Object.values(HOSTILE_DEVICES).map((device, i) => ({ device, webRequests: 40 - i }));

/** A state that answers the display's three reads with the hostile ranking. */
const state = {
  ranking: async () => ranking,
  totals: async () => ({ flows: 100, webRequests: 40, invalidLines: 0, undecodable: 0 }),
  deviceCount: async () => ranking.length,
} as unknown as StateReader;

/** What the display writes to standard output while `draw` runs. */
async function printed(terminal: boolean): Promise<string> {
  let out = '';
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    const display = new RankingDisplay(state, 'flows', { top: 10, minCount: 1, terminal });
    await display.draw([]);
    display.done();
  } finally {
    write.mockRestore();
  }
  return out;
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
