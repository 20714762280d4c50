// Feeds both sides' device counts to the comparison: straight from memory when both fit, otherwise
// bucket by bucket from their spill files, each bucket read back into two bounded Maps; a bucket
// still too large for one is split again by the next level of the hash.
import { createReadStream, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { formatCount as n } from '../display/index.ts';
import { ErrorCode, FlowwatchError } from '../runtime/index.ts';
import type { DeviceComparison } from './comparison.ts';
import {
  type BucketFiles,
  type Combine,
  DEVICES_IN_MEMORY,
  type DeviceCounts,
  parseSpillLine,
} from './device-counts.ts';
import type { SpillPlace } from './spill-folder.ts';

/** Levels of splitting before giving up: 64^4 buckets of 200,000 devices each is far beyond any file. */
const MAX_LEVEL = 4;

export async function compareDeviceCounts(
  batch: DeviceCounts,
  stream: DeviceCounts,
  into: DeviceComparison,
  place: SpillPlace,
  limit = DEVICES_IN_MEMORY,
): Promise<void> {
  const inMemory = { batch: batch.inMemory, stream: stream.inMemory };
  if (inMemory.batch !== undefined && inMemory.stream !== undefined) {
    into.addAll(inMemory.batch, inMemory.stream);
    return;
  }
  // One side spilled: both go to files hashed alike, so bucket k of each holds the same devices.
  const batchPaths = batch.spilled();
  const streamPaths = stream.spilled();
  for (let k = 0; k < batchPaths.length; k++) {
    await compareBucket(batchPaths[k] as string, streamPaths[k] as string, 1, into, place, limit);
  }
}

async function compareBucket(
  batchPath: string,
  streamPath: string,
  level: number,
  into: DeviceComparison,
  place: SpillPlace,
  limit: number,
): Promise<void> {
  const batch = await readBucket(batchPath, 'sum', limit);
  const stream = batch === undefined ? undefined : await readBucket(streamPath, 'last', limit);
  if (batch !== undefined && stream !== undefined) {
    into.addAll(batch, stream);
    rmSync(batchPath);
    rmSync(streamPath);
    return;
  }
  if (level > MAX_LEVEL) {
    throw new FlowwatchError(
      ErrorCode.INPUT_UNREADABLE,
      `verify cannot compare: one bucket of devices still holds over ${n(limit)} devices after ${MAX_LEVEL} splits`,
    );
  }
  const batchParts = await split(batchPath, place.files('batch', level));
  const streamParts = await split(streamPath, place.files('stream', level));
  for (let k = 0; k < batchParts.length; k++) {
    await compareBucket(batchParts[k] as string, streamParts[k] as string, level + 1, into, place, limit);
  }
}

async function* linesOf(path: string): AsyncGenerator<string> {
  const input = createReadStream(path);
  try {
    yield* createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  } finally {
    // Also when the reader stops early (a bucket too large): the file is closed, not left open.
    input.destroy();
  }
}

/** A bucket's counts, or undefined when it holds more devices than one Map may. */
async function readBucket(path: string, combine: Combine, limit: number): Promise<Map<string, number> | undefined> {
  const counts = new Map<string, number>();
  for await (const line of linesOf(path)) {
    if (line === '') continue;
    const [device, count] = parseSpillLine(line);
    counts.set(device, combine === 'sum' ? (counts.get(device) ?? 0) + count : count);
    if (counts.size > limit) return undefined;
  }
  return counts;
}

/** Copies a bucket's lines into finer buckets, in order (so the last score read still wins), and removes it. */
async function split(path: string, files: BucketFiles): Promise<readonly string[]> {
  for await (const line of linesOf(path)) {
    if (line === '') continue;
    const [device, count] = parseSpillLine(line);
    files.write(device, count);
  }
  files.close();
  rmSync(path);
  return files.paths;
}
