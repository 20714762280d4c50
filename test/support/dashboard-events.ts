// Reads a dashboard's event stream (server-sent events of JSON snapshots), for tests.
import { expect } from 'vitest';
import type { Snapshot } from '../../dashboard/index.ts';

/** Reads the event stream at `url` until a snapshot satisfies `wanted`. */
export async function dashboardSnapshotWhere(
  url: string,
  wanted: (s: Snapshot) => boolean,
  timeoutMs = 10_000,
): Promise<Snapshot> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const response = await fetch(new URL('/events', url), { signal: abort.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const decoder = new TextDecoder();
    let buffered = '';
    for await (const chunk of response.body as ReadableStream<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let end = buffered.indexOf('\n\n');
      while (end !== -1) {
        const event = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf('\n\n');
        if (!event.startsWith('data: ')) continue;
        const snapshot = JSON.parse(event.slice('data: '.length)) as Snapshot;
        if (wanted(snapshot)) return snapshot;
      }
    }
    throw new Error('the event stream ended');
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
