// Opens a flow file (plain or gzip, told apart by its first bytes) or standard input as a byte stream.
import { once } from 'node:events';
import type { ReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { ErrorCode, FlowwatchError } from '../runtime/index.ts';
import { fingerprintOpenFile, STDIN_FINGERPRINT } from './source-identity.ts';

const GZIP_MAGIC = [0x1f, 0x8b] as const;
const CHUNK_BYTES = 256 * 1024;

export interface FlowInput {
  /** Name carried with every message and dead letter: the file's base name, or `stdin`. */
  readonly source: string;
  /** Size of the file on disk, when known (not for stdin). */
  readonly sizeBytes: number | undefined;
  /** Bytes of the file read so far (compressed bytes for a gzip file). */
  bytesRead(): number;
  /** The decompressed bytes. */
  chunks(): AsyncIterable<Buffer>;
  /**
   * What the content is, for telling sources apart: see source-identity.ts (a read of the whole file,
   * from the descriptor the data comes from; call it before reading the chunks).
   */
  fingerprint(): Promise<string>;
  /**
   * Stops reading and releases the input: a reader waiting for chunks ends instead of waiting on,
   * and a file's descriptor is closed once this resolves.
   */
  close(): Promise<void>;
}

export async function openFlowInput(path: string, stdin: Readable = process.stdin): Promise<FlowInput> {
  if (path === '-') {
    let read = 0;
    const counted = countBytes(stdin, (n) => {
      read += n;
    });
    return {
      source: 'stdin',
      sizeBytes: undefined,
      bytesRead: () => read,
      chunks: () => decompressIfGzip(counted),
      fingerprint: async () => STDIN_FINGERPRINT,
      close: async () => {
        stdin.destroy();
      },
    };
  }
  // One descriptor for everything: the size, the fingerprint and the data. Opening the path twice
  // would let a file swapped in between publish one file's lines under the other's fingerprint.
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw unreadable(path, error);
  }
  let size: number;
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new FlowwatchError(ErrorCode.INPUT_UNREADABLE, `${path} is not a file`);
    size = info.size;
  } catch (error) {
    await file.close();
    throw unreadable(path, error);
  }
  // Positioned reads from offset 0: reading the fingerprint first does not move where the data starts.
  const data: ReadStream = file.createReadStream({ start: 0, highWaterMark: CHUNK_BYTES });
  let fingerprint: Promise<string> | undefined;
  return {
    source: basename(path),
    sizeBytes: size,
    bytesRead: () => data.bytesRead,
    chunks: () => decompressIfGzip(data),
    fingerprint: () => {
      fingerprint ??= fingerprintOpenFile(file).catch((error: unknown) => {
        throw unreadable(path, error);
      });
      return fingerprint;
    },
    close: async () => {
      // The stream closes the handle at its end, or here once destroyed; its `close` event comes once
      // the descriptor is really closed (the handle's own close() resolves at once while it closes).
      if (data.closed) return;
      const closed = once(data, 'close').catch(() => undefined);
      data.destroy();
      await closed;
    },
  };
}

function unreadable(path: string, error: unknown): FlowwatchError {
  if (error instanceof FlowwatchError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new FlowwatchError(ErrorCode.INPUT_NOT_FOUND, `no such file: ${path}`);
  return new FlowwatchError(ErrorCode.INPUT_UNREADABLE, `cannot read ${path} (${code ?? 'error'})`, { cause: error });
}

async function* countBytes(stream: Readable, onBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    onBytes(buffer.length);
    yield buffer;
  }
}

async function* decompressIfGzip(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done) return;
  const head = first.value;
  const whole = (async function* () {
    yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  })();
  if (head.length < 2 || head[0] !== GZIP_MAGIC[0] || head[1] !== GZIP_MAGIC[1]) {
    yield* whole;
    return;
  }
  // pipeline, not pipe: a read error must end the gunzip stream too instead of leaving it waiting.
  const gunzip = pipeline(Readable.from(whole), createGunzip({ chunkSize: CHUNK_BYTES }), () => {});
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (error) {
    if (error instanceof FlowwatchError) throw error;
    throw new FlowwatchError(ErrorCode.INPUT_UNREADABLE, `the gzip data is corrupt (${(error as Error).message})`, {
      cause: error,
    });
  }
}
