import type { Command, Option } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from '../../../cli/main.ts';
import type { ValueDomain } from '../../../cli/options.ts';

/** Runs the command line in this process (main returns the exit code), with what it writes kept. */
async function run(args: readonly string[]): Promise<{ code: number; stderr: string; stdout: string }> {
  let stderr = '';
  let stdout = '';
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  try {
    const code = await main(['node', 'flowwatch', ...args]);
    return { code, stderr, stdout };
  } finally {
    err.mockRestore();
    out.mockRestore();
  }
}

/** Values just outside what a flag's parser says it accepts, and a few that are no number at all. */
function outside(domain: ValueDomain): string[] {
  if (domain.kind === 'text') return ['', ' '];
  const values = ['x', '', ' ', '0x10', 'NaN', 'Infinity'];
  values.push(domain.min > 0 ? String(domain.min / 2) : String(domain.min - 1));
  if (domain.max !== undefined) values.push(String(domain.max + 1));
  if (domain.kind === 'integer') values.push(`${domain.min}.5`);
  return values;
}

const flagOf = (option: Option) => option.long ?? option.short ?? option.flags;

/** Every usage mistake the option definitions of one command allow, as the words a user would type. */
function mistakesOf(command: Command): string[][] {
  const name = command.name();
  const mistakes = [
    [name, '--no-such-option'],
    [name, 'one', 'two', 'three'],
  ];
  for (const option of command.options) {
    if (option.negate || (!option.required && !option.optional)) continue;
    mistakes.push([name, flagOf(option)]);
    const domain = (option.parseArg as { domain?: ValueDomain } | undefined)?.domain;
    for (const value of domain === undefined ? [] : outside(domain)) mistakes.push([name, flagOf(option), value]);
  }
  return mistakes;
}

/**
 * A bad value for each global flag: they are checked with the environment (config/settings.ts), so
 * what is bad depends on the setting, not on a parser.
 */
const BAD_GLOBAL_VALUES: Readonly<Record<string, readonly string[]>> = {
  '--allowed-hosts': ['a b', 'h:0', 'h:65536', 'http://h'],
  '--brokers': ['nohost', 'h:0', 'h:65536', 'h:99999', ','],
  '--kafka-tls-ca-file': ['/no/such/ca.pem'],
  '--kafka-tls-cert-file': ['/no/such/cert.pem'],
  '--kafka-tls-key-file': ['/no/such/key.pem'],
  '--kafka-sasl-mechanism': ['rot13'],
  '--kafka-sasl-username': ['alice'],
  '--kafka-sasl-password-file': ['/no/such/password'],
  '--redis-url': ['http://h:6379', 'redis://h:0', 'redis://h:99999', 'redis://[nope'],
  '--redis-tls-ca-file': ['/no/such/ca.pem'],
  '--redis-sentinels': ['nohost', 'h:0', 'h:70000'],
  '--redis-sentinel-name': ['a b', 'main'],
  '--redis-cluster-nodes': ['h:0', 'h:65536'],
  '--redis-wait-replicas': ['x', '-1', '17', '1.5'],
  '--redis-wait-timeout-ms': ['x', '0', '600001', '500'],
  '--topic': ['a b', 'a/b'],
  '--group': ['a b'],
  '--prefix': [':x', 'a b'],
  '--log-level': ['loud'],
  '--replication-factor': ['x', '0', '32768'],
};

interface Failure {
  readonly args: string;
  readonly code: number;
  readonly stderr: string;
}

/** Runs each mistake and keeps those that did not end with exit 2 and one flowwatch sentence with a code. */
async function failuresOf(mistakes: readonly string[][], codes: RegExp): Promise<Failure[]> {
  const failures: Failure[] = [];
  for (const args of mistakes) {
    const result = await run(args);
    const lines = result.stderr.trimEnd().split('\n');
    const oneSentence =
      lines.length === 1 && new RegExp(`^flowwatch: \\S.* \\(${codes.source}\\)$`).test(lines[0] ?? '');
    if (result.code !== 2 || !oneSentence || result.stdout !== '') {
      failures.push({ args: args.join(' '), code: result.code, stderr: result.stderr });
    }
  }
  return failures;
}

describe('usage mistakes: exit 2 and one flowwatch sentence with a code, on every command', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const commands = buildProgram().commands.filter((command) => command.name() !== 'help');

  it('knows the commands it walks', () => {
    expect(commands.map((command) => command.name()).sort()).toEqual(
      ['consume', 'dashboard', 'produce', 'top', 'verify', 'walkthrough'].sort(),
    );
  });

  for (const command of commands) {
    it(`${command.name()}: an unknown option, a missing value, a value that is no number or out of range`, async () => {
      const mistakes = mistakesOf(command);
      expect(mistakes.length).toBeGreaterThan(3);
      expect(await failuresOf(mistakes, /FW_USAGE/)).toEqual([]);
    });
  }

  it('the global flags: an unknown one, a missing value, a bad setting', async () => {
    const program = buildProgram();
    const withValue = program.options.filter((option) => option.required);
    // A new global flag needs its bad values here.
    expect(withValue.map(flagOf).sort()).toEqual(Object.keys(BAD_GLOBAL_VALUES).sort());
    const mistakes = [['--no-such-flag', 'top'], ['no-such-command'], ['help', 'no-such-command'], []];
    for (const option of withValue) mistakes.push([flagOf(option)]);
    for (const [flag, values] of Object.entries(BAD_GLOBAL_VALUES)) {
      // `top` reads Redis and nothing else: harmless should a bad value ever get through.
      for (const value of values) mistakes.push([flag, value, 'top']);
    }
    expect(await failuresOf(mistakes, /FW_USAGE|FW_CONFIG_INVALID/)).toEqual([]);
  });

  it('two paces at once are a usage mistake too', async () => {
    expect(await failuresOf([['produce', '--rate', '10', '--speedup', '2']], /FW_USAGE/)).toEqual([]);
  });

  it('--help and --version still exit 0 and print to standard output', async () => {
    for (const args of [['--help'], ['verify', '--help'], ['help', 'top'], ['--version']]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stdout).not.toBe('');
      expect(result.stderr).toBe('');
    }
  });
});
