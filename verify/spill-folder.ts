// The temporary folder verify spills device counts to: made at the first spill, removed at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BucketFiles, SPILL_BUCKETS } from './device-counts.ts';

/** Where bucket files go: a folder of verify's own, and a name per set of files. */
export interface SpillPlace {
  readonly files: (side: 'batch' | 'stream', level: number) => BucketFiles;
}

export interface SpillFolder extends SpillPlace {
  /** Deletes the folder and every file in it (nothing, if nothing spilled); later spills are refused. */
  remove(): void;
}

/** `buckets`: files per spill (fewer make small tests quick). */
export function spillFolder(parent = tmpdir(), buckets = SPILL_BUCKETS): SpillFolder {
  let dir: string | undefined;
  let sets = 0;
  let removed = false;
  return {
    files: (side, level) => {
      // A spill after remove() would make a folder nobody deletes.
      if (removed) throw new Error('the spill folder was removed: verify has stopped');
      dir ??= mkdtempSync(join(parent, 'flowwatch-verify-'));
      return new BucketFiles(dir, `${side}-${sets++}`, level, buckets);
    },
    remove: () => {
      removed = true;
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
