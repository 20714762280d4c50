// Counts per device in bounded memory: held in a Map up to a limit of devices, then spilled as
// (device, count) lines to bucket files chosen by a hash of the device, so that each bucket can later
// be read back and compared on its own, whatever the number of devices.
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Devices held in memory at once (per side of the comparison): about 25 MB of heap each. */
export const DEVICES_IN_MEMORY = 200_000;
/** Files a spill is split into: with a full Map per file, 64 × 200,000 devices before any re-split. */
export const SPILL_BUCKETS = 64;
/** Bytes a bucket gathers before they are written. */
const WRITE_CHUNK_CHARS = 64 * 1024;

/** How a device's counts combine: web requests from the file add up; a score read from Redis replaces. */
export type Combine = 'sum' | 'last';

/**
 * A bucket in [0, buckets) for a device: FNV-1a over its UTF-16 units, seeded per level of splitting,
 * then mixed (murmur3's finaliser): FNV's low bits ignore the seed, so without the mix a bucket split
 * again would land whole in one part.
 */
export function bucketOf(device: string, level: number, buckets: number): number {
  let hash = 0x811c9dc5 ^ Math.imul(level + 1, 0x9e3779b9);
  for (let i = 0; i < device.length; i++) {
    hash ^= device.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) % buckets;
}

/** A name that could break a line (or look like a quoted one): written as `\` and its JSON. */
const NEEDS_QUOTING = /[\n\r\\\u2028\u2029]/;
const BACKSLASH = 0x5c;

/** One line of a bucket file, `count<TAB>device`; a device name with a line break is quoted. */
export function spillLine(device: string, count: number): string {
  return NEEDS_QUOTING.test(device) ? `${count}\t\\${JSON.stringify(device)}\n` : `${count}\t${device}\n`;
}

export function parseSpillLine(line: string): [string, number] {
  const tab = line.indexOf('\t');
  const device =
    line.charCodeAt(tab + 1) === BACKSLASH ? (JSON.parse(line.slice(tab + 2)) as string) : line.slice(tab + 1);
  return [device, Number(line.slice(0, tab))];
}

/** Bucket files written through small buffers, in `dir`, named `<name>-<bucket>`. */
export class BucketFiles {
  readonly paths: readonly string[];
  private readonly fds: number[];
  private readonly pending: string[];
  private readonly level: number;
  private closed = false;

  constructor(dir: string, name: string, level: number, buckets = SPILL_BUCKETS) {
    this.level = level;
    this.paths = Array.from({ length: buckets }, (_, k) => join(dir, `${name}-${k}`));
    this.fds = this.paths.map((path) => openSync(path, 'w'));
    this.pending = this.paths.map(() => '');
  }

  write(device: string, count: number): void {
    const k = bucketOf(device, this.level, this.paths.length);
    const text = (this.pending[k] as string) + spillLine(device, count);
    if (text.length < WRITE_CHUNK_CHARS) {
      this.pending[k] = text;
      return;
    }
    writeSync(this.fds[k] as number, text);
    this.pending[k] = '';
  }

  /** Writes what is pending and closes the files (they stay on disk). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fds.forEach((fd, k) => {
      if (this.pending[k] !== '') writeSync(fd, this.pending[k] as string);
      closeSync(fd);
    });
  }
}

export class DeviceCounts {
  private readonly combine: Combine;
  private readonly limit: number;
  private readonly spillTo: () => BucketFiles;
  private counts = new Map<string, number>();
  private files: BucketFiles | undefined;

  /**
   * `spillTo` is called once, at the first spill, for the files to spill to. A `limit` of 0 writes
   * every count straight to them (a side known to need the files, whose devices come once each).
   */
  constructor(combine: Combine, spillTo: () => BucketFiles, limit = DEVICES_IN_MEMORY) {
    this.combine = combine;
    this.spillTo = spillTo;
    this.limit = limit;
  }

  add(device: string, count: number): void {
    if (this.limit === 0) {
      this.files ??= this.spillTo();
      this.files.write(device, count);
      return;
    }
    const counts = this.counts;
    counts.set(device, this.combine === 'sum' ? (counts.get(device) ?? 0) + count : count);
    if (counts.size >= this.limit) this.spill();
  }

  /** The counts, when they never left memory. */
  get inMemory(): ReadonlyMap<string, number> | undefined {
    return this.files === undefined ? this.counts : undefined;
  }

  /** Moves every count to the bucket files and closes them: returns their paths, by bucket. */
  spilled(): readonly string[] {
    this.spill();
    const files = this.files as BucketFiles;
    files.close();
    return files.paths;
  }

  /** Closes the spill files, if any (verify stopping early); the counts are not to be used after. */
  close(): void {
    this.files?.close();
  }

  private spill(): void {
    this.files ??= this.spillTo();
    for (const [device, count] of this.counts) this.files.write(device, count);
    // A new Map rather than clear(): V8 does not shrink a cleared Map's table.
    this.counts = new Map();
  }
}
