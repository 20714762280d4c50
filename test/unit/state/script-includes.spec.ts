import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { scriptText } from '../../../state/scripts.ts';

const scripts = readdirSync(new URL('../../../state/lua/', import.meta.url)).filter((file) => file.endsWith('.lua'));

describe('the Lua scripts as Redis receives them', () => {
  it('have each shared fragment in place of its include line', () => {
    const applyBatch = scriptText('apply-batch.lua');
    expect(applyBatch).not.toMatch(/^--- @include/m);
    // Defined before the first check uses it.
    expect(applyBatch.indexOf('local function is_counter(')).toBeGreaterThan(0);
    expect(applyBatch.indexOf('local function is_counter(')).toBeLessThan(applyBatch.indexOf('is_counter(ARGV'));
  });

  it('still start with the shebang that declares their flags', () => {
    for (const file of scripts) expect(scriptText(file).startsWith('#!lua'), file).toBe(true);
  });
});
