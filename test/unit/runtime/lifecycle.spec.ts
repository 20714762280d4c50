import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExitCode, onStopSignals, type SignalHost } from '../../../runtime/index.ts';
import { recordedLog } from '../../support/recorded-log.ts';

afterEach(() => {
  vi.useRealTimers();
});

/** A process stand-in: signals are emitted by the test, and an exit is recorded (and ends the handler, as a real one would). */
function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const host: SignalHost = {
    on: (event, handler) => emitter.on(event, handler),
    off: (event, handler) => emitter.off(event, handler),
    exit: (code) => {
      exits.push(code);
      throw new Error(`exit ${code}`);
    },
  };
  const send = (name: NodeJS.Signals) => {
    try {
      emitter.emit(name, name);
    } catch {
      // the fake exit ended the handler
    }
  };
  return { host, send, exits, listeners: () => emitter.listenerCount('SIGINT') + emitter.listenerCount('SIGTERM') };
}

describe('stop signals', () => {
  it('asks for a graceful stop on the first signal, naming it, without exiting', async () => {
    const { host, send, exits } = fakeProcess();
    const { log, messages } = recordedLog();
    const stop = onStopSignals(log, { host });
    expect(stop.signal.aborted).toBe(false);
    send('SIGTERM');
    await stop.stopped();
    expect(stop.signal.reason).toBe('SIGTERM');
    expect(exits).toEqual([]);
    expect(messages()).toEqual(['stopping gracefully (again to force)']);
    // Asked for after the fact, the stop is still seen.
    await expect(stop.stopped()).resolves.toBeUndefined();
  });

  it('exits with 130 at once on a second signal', () => {
    const { host, send, exits } = fakeProcess();
    const { log, messages } = recordedLog();
    onStopSignals(log, { host });
    send('SIGINT');
    send('SIGINT');
    expect(exits).toEqual([ExitCode.INTERRUPTED]);
    expect(messages()).toContain('second stop signal: exiting now');
  });

  it('exits with 130 once the bound for a graceful stop has passed, and not before', async () => {
    vi.useFakeTimers();
    const { host, send, exits } = fakeProcess();
    const { log, messages } = recordedLog();
    onStopSignals(log, { host, exitAfterMs: 5000 });
    send('SIGTERM');
    vi.advanceTimersByTime(4999);
    expect(exits).toEqual([]);
    expect(() => vi.advanceTimersByTime(1)).toThrow('exit 130');
    expect(exits).toEqual([ExitCode.INTERRUPTED]);
    expect(messages()).toContain('could not stop gracefully in time; exiting now');
  });

  it('sets no exit timer without a bound', () => {
    vi.useFakeTimers();
    const { host, send } = fakeProcess();
    onStopSignals(recordedLog().log, { host });
    send('SIGTERM');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('listens to SIGINT and SIGTERM until disposed, and to nothing after', () => {
    const { host, send, listeners } = fakeProcess();
    const stop = onStopSignals(recordedLog().log, { host });
    expect(listeners()).toBe(2);
    stop.dispose();
    expect(listeners()).toBe(0);
    send('SIGINT');
    expect(stop.signal.aborted).toBe(false);
  });
});
