import { createHash } from 'node:crypto';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { openFlowInput } from '../../../flow/index.ts';

const fingerprintOf = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

async function readAll(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}

describe('a flow file opened for publishing', () => {
  it('fingerprints the very bytes it reads, even if the file is replaced after it was opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowwatch-unit-'));
    const path = join(dir, 'day.csv');
    const first = Buffer.from('118900,1,Comp1,Comp2,6,Port1,80,1,1,1,1\n'.repeat(20_000));
    const second = Buffer.from('118901,2,Comp3,Comp4,6,Port2,80,2,2,2,2\n'.repeat(30_000));
    writeFileSync(path, first);
    const input = await openFlowInput(path);
    // Another program swaps in a new file under the name (a log rotation, an editor's save).
    writeFileSync(join(dir, 'day.csv.new'), second);
    renameSync(join(dir, 'day.csv.new'), path);

    const fingerprint = await input.fingerprint();
    const read = await readAll(input.chunks());
    expect(read.equals(first), 'the bytes read are those of the file opened').toBe(true);
    expect(fingerprint).toBe(fingerprintOf(read));
    expect(input.sizeBytes).toBe(first.length);
  });

  it('fingerprints a gzip file by its compressed bytes and reads it decompressed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowwatch-unit-'));
    const path = join(dir, 'day.csv.gz');
    const text = Buffer.from('118900,1,Comp1,Comp2,6,Port1,80,1,1,1,1\n'.repeat(5000));
    const stored = gzipSync(text);
    writeFileSync(path, stored);
    const input = await openFlowInput(path);
    expect(await input.fingerprint()).toBe(fingerprintOf(stored));
    expect((await readAll(input.chunks())).equals(text)).toBe(true);
    expect(input.bytesRead()).toBe(stored.length);
  });
});
