import { describe, expect, it } from 'vitest';
import { stateKeys } from '../../../state/index.ts';
import { fixedStateKeys, stateKeyPattern } from '../../../state/keys.ts';

/** Whether a Redis glob that ends in `*` (and has no other special character) matches `key`. */
const matches = (pattern: string, key: string) => pattern.endsWith('*') && key.startsWith(pattern.slice(0, -1));

describe('stateKeyPattern', () => {
  it('is <prefix>:*', () => {
    expect(stateKeyPattern('flowwatch')).toBe('flowwatch:*');
  });

  it('matches every key of the state under the prefix, per-hour sets included', () => {
    const prefix = 'p1';
    for (const key of [...fixedStateKeys(prefix), stateKeys.hour(prefix, 42)]) {
      expect(matches(stateKeyPattern(prefix), key), key).toBe(true);
    }
  });

  it('matches no key of another prefix that starts the same way', () => {
    expect(matches(stateKeyPattern('p1'), stateKeys.webservers('p10'))).toBe(false);
  });
});
