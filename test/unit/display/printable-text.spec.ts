import { describe, expect, it } from 'vitest';
import { printable } from '../../../display/index.ts';
import { HOSTILE_DEVICES, HOSTILE_DEVICES_SHOWN } from '../../support/hostile-names.ts';

describe('printable', () => {
  it('leaves plain names as they are, letters of any script included', () => {
    for (const name of ['Comp916004', 'EnterpriseAppServer', 'Ünïcødé-名前', 'a b', '🖥️', '']) {
      expect(printable(name)).toBe(name);
    }
  });

  it('escapes every C0 control, DEL and every C1 control as \\xHH', () => {
    for (let code = 0; code < 0x20; code++) {
      expect(printable(`a${String.fromCharCode(code)}b`)).toBe(`a\\x${code.toString(16).padStart(2, '0')}b`);
    }
    expect(printable('\x7f')).toBe('\\x7f');
    for (let code = 0x80; code < 0xa0; code++) {
      expect(printable(String.fromCharCode(code))).toBe(`\\x${code.toString(16)}`);
    }
    // The first printable characters past each range stay.
    expect(printable(' ~\u00a0\u00a1')).toBe(' ~\u00a0\u00a1');
  });

  it('escapes the bidi controls and line separators as \\uHHHH', () => {
    expect(printable('a\u202eb')).toBe('a\\u202eb');
    expect(printable('\u202a\u202b\u202c\u202d')).toBe('\\u202a\\u202b\\u202c\\u202d');
    expect(printable('\u2066\u2067\u2068\u2069')).toBe('\\u2066\\u2067\\u2068\\u2069');
    expect(printable('\u200e\u200f\u061c')).toBe('\\u200e\\u200f\\u061c');
    expect(printable('\u2028\u2029')).toBe('\\u2028\\u2029');
  });

  it('doubles a backslash, so a name cannot pass for one with a control in it', () => {
    expect(printable('Web\\x1b')).toBe('Web\\\\x1b');
    expect(printable('Web\x1b')).toBe('Web\\x1b');
    expect(printable('Web\\x1b')).not.toBe(printable('Web\x1b'));
  });

  it('shows the names that would clear the screen, retitle the window or fake a verdict', () => {
    for (const [kind, name] of Object.entries(HOSTILE_DEVICES)) {
      expect(printable(name), kind).toBe(HOSTILE_DEVICES_SHOWN[kind as keyof typeof HOSTILE_DEVICES]);
    }
  });
});
