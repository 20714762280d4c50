import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/index.ts';
import { HostAllowList } from '../../../http/index.ts';
import { ErrorCode } from '../../../runtime/index.ts';

describe('HostAllowList', () => {
  it('answers the local names and the listen address, in any case', () => {
    const hosts = new HostAllowList('192.168.1.5', []);
    for (const host of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080', '192.168.1.5:8080', 'LOCALHOST:8080']) {
      expect(hosts.allows(host), host).toBe(true);
    }
    expect(hosts.allows('localhost')).toBe(true);
  });

  it('answers the local names and the listen address on any port: a forwarded port (docker -p, ssh -L) is not a rebinding', () => {
    const hosts = new HostAllowList('192.168.1.5', []);
    for (const host of ['localhost:18080', '127.0.0.1:9000', '[::1]:1', '192.168.1.5:443', 'localhost']) {
      expect(hosts.allows(host), host).toBe(true);
    }
  });

  it('refuses any other name, and a missing or malformed Host', () => {
    const hosts = new HostAllowList('127.0.0.1', []);
    for (const host of [
      'attacker.example:8080',
      'attacker.example',
      'localhost.attacker.example:8080',
      '127.0.0.1.nip.io:8080',
      '[::2]:8080',
      'localhost:8080:8080',
      'localhost :8080',
      '',
      undefined,
    ]) {
      expect(hosts.allows(host), String(host)).toBe(false);
    }
  });

  it('answers an IPv6 listen address in brackets', () => {
    const hosts = new HostAllowList('::', []);
    expect(hosts.allows('[::]:9464')).toBe(true);
    expect(hosts.allows('[::1]:9464')).toBe(true);
  });

  it("answers a proxy's names: on any port when the entry gives none, else on that port only", () => {
    const hosts = new HostAllowList('127.0.0.1', ['dash.example', 'other.example:8443']);
    expect(hosts.allows('dash.example')).toBe(true);
    expect(hosts.allows('Dash.Example:443')).toBe(true);
    expect(hosts.allows('other.example:8443')).toBe(true);
    expect(hosts.allows('other.example')).toBe(false);
    expect(hosts.allows('other.example:443')).toBe(false);
    expect(hosts.allows('dash.example.attacker.example')).toBe(false);
  });
});

describe('FLOWWATCH_ALLOWED_HOSTS', () => {
  it('is a comma-separated list, lower-cased; empty by default', () => {
    expect(loadConfig({}).allowedHosts).toEqual([]);
    expect(
      loadConfig({ FLOWWATCH_ALLOWED_HOSTS: ' Dash.Example , other.example:8443,[::1]:80 ' }).allowedHosts,
    ).toEqual(['dash.example', 'other.example:8443', '[::1]:80']);
  });

  it('refuses an entry that is not a name or name:port, in one sentence', () => {
    for (const value of ['http://dash.example', 'dash.example/path', 'a b', 'dash.example:port']) {
      expect(() => loadConfig({ FLOWWATCH_ALLOWED_HOSTS: value }), value).toThrow(
        expect.objectContaining({
          code: ErrorCode.CONFIG_INVALID,
          message: expect.stringMatching(/^FLOWWATCH_ALLOWED_HOSTS.* is invalid: each entry must be a host name/),
        }),
      );
    }
  });
});
