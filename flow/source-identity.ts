// A source's identity in the topic, so that a re-run can tell its own lines from any other's. Every
// message carries the source's name (header `source`) and `source-id` = `<fingerprint>/<stream>`:
// - fingerprint: the first 16 hex digits of the SHA-256 of the file's bytes as stored (the compressed
//   bytes of a gzip file), so two different files of one name are never taken for one; `stdin` for
//   standard input, whose content cannot be known before it is read: there the name is the identity.
// - stream: 1 for the first publication of a name in the topic, one more for each `--again`.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { ErrorCode, FlowwatchError } from '../runtime/index.ts';

export const STDIN_FINGERPRINT = 'stdin';

/** 64 bits of the digest: two different files colliding is a 1 in 2^64 chance, and a message stays short. */
const FINGERPRINT_HEX_DIGITS = 16;
const HASH_CHUNK_BYTES = 1024 * 1024;

export interface SourceId {
  /** 16 hex digits of the content's SHA-256, or `stdin`. */
  readonly fingerprint: string;
  /** 1, 2, ...: which publication of the name this is. */
  readonly stream: number;
}

export function formatSourceId(id: SourceId): string {
  return `${id.fingerprint}/${id.stream}`;
}

/** The header's value read back; undefined when absent or not of this form (another producer's). */
export function parseSourceId(text: string | undefined): SourceId | undefined {
  if (text === undefined) return undefined;
  const match = /^([0-9a-f]{16}|stdin)\/([1-9][0-9]{0,8})$/.exec(text);
  if (match === null) return undefined;
  return { fingerprint: match[1] as string, stream: Number(match[2]) };
}

/** The fingerprint of a file's bytes, read once from disk before it is published. */
export async function fingerprintFile(path: string): Promise<string> {
  try {
    return await fingerprintBytes(createReadStream(path, { highWaterMark: HASH_CHUNK_BYTES }));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new FlowwatchError(ErrorCode.INPUT_UNREADABLE, `cannot read ${path} (${code})`, { cause: error });
  }
}

/** The fingerprint of a file's bytes read from a descriptor already open (the one its data comes from). */
export function fingerprintOpenFile(file: FileHandle): Promise<string> {
  // From offset 0 with positioned reads, and without closing: the data is read from the same descriptor.
  return fingerprintBytes(file.createReadStream({ start: 0, autoClose: false, highWaterMark: HASH_CHUNK_BYTES }));
}

async function fingerprintBytes(bytes: AsyncIterable<unknown>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of bytes) hash.update(chunk as Buffer);
  return hash.digest('hex').slice(0, FINGERPRINT_HEX_DIGITS);
}
