import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { openFlowInput } from '../../../flow/index.ts';
import { countFromInput, DeviceCounts, spillFolder } from '../../../verify/index.ts';

const parent = mkdtempSync(join(tmpdir(), 'flowwatch-spill-'));
afterAll(() => rmSync(parent, { recursive: true, force: true }));

describe('the spill folder', () => {
  it('refuses to make files once removed, so a late spill leaves no folder behind', () => {
    const folder = spillFolder(parent, 2);
    folder.files('batch', 0).close();
    expect(readdirSync(parent)).toHaveLength(1);
    folder.remove();
    expect(() => folder.files('batch', 0)).toThrow(/removed/);
    expect(readdirSync(parent)).toHaveLength(0);
  });

  it('refuses even when nothing had spilled before it was removed', () => {
    const folder = spillFolder(parent, 2);
    folder.remove();
    expect(() => folder.files('stream', 0)).toThrow(/removed/);
    expect(readdirSync(parent)).toHaveLength(0);
  });
});

describe('counting the file, stopped early', () => {
  it('settles once the input is closed, even while waiting for more input, and its spill files can be closed', async () => {
    const stdin = new PassThrough();
    const input = await openFlowInput('-', stdin);
    const folder = spillFolder(parent, 2);
    const devices = new DeviceCounts('sum', () => folder.files('batch', 0), 2);
    const counting = countFromInput(input, devices);
    // Enough devices to spill, then nothing more: the count waits on the input.
    stdin.write('1,1,C1,C2,6,N1,80,1,1,1,1\n1,1,C1,C3,6,N1,80,1,1,1,1\n1,1,C1,C4,6,N1,80,1,1,1,1\n');
    input.close();
    await counting.then(
      () => undefined,
      () => undefined,
    );
    devices.close();
    folder.remove();
    expect(readdirSync(parent)).toHaveLength(0);
  });
});
