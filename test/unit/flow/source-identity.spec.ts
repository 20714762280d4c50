import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintFile, formatSourceId, parseSourceId } from '../../../flow/index.ts';

describe('a source identity', () => {
  it('round-trips through the source-id header', () => {
    for (const id of [
      { fingerprint: '0123456789abcdef', stream: 1 },
      { fingerprint: 'stdin', stream: 12 },
    ]) {
      expect(parseSourceId(formatSourceId(id))).toEqual(id);
    }
  });

  it('reads anything else as no identity', () => {
    for (const text of [
      undefined,
      '',
      'stdin',
      '0123456789abcdef',
      '0123456789abcdef/0',
      '0123456789ABCDEF/1',
      'x/1',
    ]) {
      expect(parseSourceId(text)).toBeUndefined();
    }
  });

  it("fingerprints a file by its bytes' SHA-256, whatever its name", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowwatch-unit-'));
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 'a');
    writeFileSync(join(dir, 'a.csv'), bytes);
    writeFileSync(join(dir, 'b.csv'), bytes);
    bytes[bytes.length - 1] = 0x62;
    writeFileSync(join(dir, 'c.csv'), bytes);
    const [a, b, c] = await Promise.all(['a.csv', 'b.csv', 'c.csv'].map((name) => fingerprintFile(join(dir, name))));
    expect(a).toBe(createHash('sha256').update(Buffer.alloc(bytes.length, 'a')).digest('hex').slice(0, 16));
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });
});
