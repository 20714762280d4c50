import type { Admin } from 'kafkajs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConsumerInstrumentation } from '../../../consumer/index.ts';
import { StatusBoard } from '../../../consumer/status-board.ts';
import { createLogger, type Logger } from '../../../runtime/index.ts';
import type { RankedDevice } from '../../../state/index.ts';
import { answeringState, refusedWhile } from '../../support/answering-state.ts';
import { capturedStdout } from '../../support/captured-stdout.ts';
import { HOSTILE_CONTROLS, HOSTILE_DEVICES, HOSTILE_DEVICES_SHOWN } from '../../support/hostile-names.ts';

const ranking: RankedDevice[] = Object.values(HOSTILE_DEVICES).map((device, i) => ({ device, webRequests: 40 - i }));

const totals = { flows: 100, webRequests: 40, invalidLines: 0, undecodable: 0, timeOutliers: 0 };
const state = answeringState({ ranking, totals });
/** No topic exists: no partitions to show. */
const admin = { listTopics: async () => [] } as unknown as Admin;
const events = { on: () => () => undefined } as unknown as ConsumerInstrumentation;

function board(terminal: boolean, log: Logger): StatusBoard {
  return new StatusBoard(state, admin, events, { topic: 'flows', top: 10, intervalMs: 1000, terminal }, log);
}

afterEach(() => vi.restoreAllMocks());

describe("the consumer's status board", () => {
  it('shows device names with terminal controls escaped in the table it redraws on a terminal', async () => {
    const out = await capturedStdout(async () => {
      await board(true, {} as Logger).draw();
    });
    for (const shown of Object.values(HOSTILE_DEVICES_SHOWN)) expect(out).toContain(shown);
    for (const raw of Object.values(HOSTILE_DEVICES)) expect(out).not.toContain(raw);
    for (const control of HOSTILE_CONTROLS) expect(out).not.toContain(control);
  });

  it('puts them as they are in its JSON status log entry otherwise: JSON escapes them, once', async () => {
    const lines: unknown[] = [];
    const log = { info: (fields: unknown) => lines.push(fields), debug: () => undefined } as unknown as Logger;
    await board(false, log).draw();
    expect(lines).toHaveLength(1);
    const { top } = lines[0] as { top: string[] };
    const raw = Object.values(HOSTILE_DEVICES).map((device, i) => `${device}=${40 - i}`);
    expect(top).toEqual(raw);
    // A backslash in a name is one backslash once the entry is read back, not two.
    const slashed = new StatusBoard(
      answeringState({ ranking: [{ device: 'C:\\web', webRequests: 1 }], totals }),
      admin,
      events,
      { topic: 'flows', top: 10, intervalMs: 1000, terminal: false },
      log,
    );
    await slashed.draw();
    expect(JSON.parse(JSON.stringify(lines[1])).top).toEqual(['C:\\web=1']);
  });

  it('shows the time outliers beside the other totals on a terminal', async () => {
    const out = await capturedStdout(async () => {
      const outliers = answeringState({ ranking, totals: { ...totals, timeOutliers: 7 } });
      const options = { topic: 'flows', top: 10, intervalMs: 1000, terminal: true };
      await new StatusBoard(outliers, admin, events, options, {} as Logger).draw();
    });
    expect(out).toContain('time outliers 7');
  });
});

describe("the consumer's status board when the state cannot be read", () => {
  /** A logger at the default level (info) that keeps its entries. */
  function infoLog(): { log: Logger; entries: { level: number; msg: string; err?: { message: string } }[] } {
    const entries: { level: number; msg: string; err?: { message: string } }[] = [];
    return { log: createLogger('info', { write: (line: string) => entries.push(JSON.parse(line)) }), entries };
  }
  const WARN = 40;
  let redisDown = true;
  const failing = answeringState({ totals, reads: { ranking: refusedWhile(() => redisDown, ranking) } });

  it('says so at warn once, not at every refresh, and says when it reads again', async () => {
    redisDown = true;
    const { log, entries } = infoLog();
    const board = new StatusBoard(
      failing,
      admin,
      events,
      { topic: 'flows', top: 10, intervalMs: 1000, terminal: false },
      log,
    );
    await board.draw();
    await board.draw();
    await board.draw();
    const warnings = entries.filter((e) => e.level >= WARN);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.err?.message).toContain('ECONNREFUSED');
    redisDown = false;
    await board.draw();
    expect(entries.filter((e) => e.level >= WARN)).toHaveLength(1);
    expect(entries.at(-1)?.msg).toBe('status');
    expect(entries.some((e) => /answers again/.test(e.msg))).toBe(true);
  });

  it('shows the failure on the board it redraws on a terminal', async () => {
    redisDown = true;
    const out = await capturedStdout(async () => {
      const { log } = infoLog();
      await new StatusBoard(
        failing,
        admin,
        events,
        { topic: 'flows', top: 10, intervalMs: 1000, terminal: true },
        log,
      ).draw();
    });
    expect(out).toContain('ECONNREFUSED');
  });
});
