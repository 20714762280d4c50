import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.ts';

const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('flowwatch --version', () => {
  it("prints the package's version and exits 0, and --help lists the flag", async () => {
    const result = await runCli(['--version'], {});
    expect(result.stdout.trim()).toBe(version);
    expect(result.code).toBe(0);
    const help = await runCli(['--help'], {});
    expect(help.stdout).toMatch(/-V, --version +print the version of flowwatch/);
  });
});
