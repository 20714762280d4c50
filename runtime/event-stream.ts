// Instrumentation events across a process boundary: a flowwatch process started with
// FLOWWATCH_EVENTS_FILE writes each event as one JSON line there (a file, or /dev/fd/3 of a pipe its
// parent reads); the benchmarks and the tests read them back instead of matching log text.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Readable } from 'node:stream';
import type { Instrumentation, InstrumentationEvent } from './instrumentation.ts';

/** `/dev/fd/N`: a descriptor the process inherited (its parent's pipe, a socket that cannot be opened by path). */
const INHERITED = /^\/dev\/fd\/(\d+)$/;

/** Writes all of `bytes`, waiting a moment whenever the descriptor is full (a pipe the reader has not emptied). */
function writeAll(fd: number, bytes: Buffer): void {
  let rest = bytes;
  while (rest.length > 0) {
    try {
      rest = rest.subarray(writeSync(fd, rest));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}

/** Writes every event of `sources` to `path`, one JSON line each, synchronously (none is lost at exit). */
export function streamEvents(
  path: string,
  sources: readonly Instrumentation<Record<string, unknown>>[],
): { close(): void } {
  const inherited = INHERITED.exec(path);
  const fd = inherited === null ? openSync(path, 'a') : Number(inherited[1]);
  const removers = sources.map((source) =>
    source.onAny((event) => writeAll(fd, Buffer.from(`${JSON.stringify(event)}\n`))),
  );
  let closed = false;
  return {
    close: () => {
      if (closed) return;
      closed = true;
      for (const remove of removers) remove();
      if (inherited === null) closeSync(fd);
    },
  };
}

/** Calls `onEvent` for each event line read from `stream` (what streamEvents wrote). */
export function readEvents(stream: Readable, onEvent: (event: InstrumentationEvent) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line !== '') onEvent(JSON.parse(line) as InstrumentationEvent);
  });
}

/** The events of a file streamEvents wrote (for a process in a container, with its events in a volume). */
export function parseEvents(text: string): InstrumentationEvent[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as InstrumentationEvent);
}
