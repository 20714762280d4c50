import { describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../support/cli.ts';
import { testNames } from '../support/test-names.ts';

/** One line on standard error: `flowwatch: <sentence> (<code>)`, no stack trace, nothing else. */
const oneSentence = (codes: string) => new RegExp(`^flowwatch: \\S[^\\n]* \\((${codes})\\)\\n$`);

const names = testNames('exit-codes');
const base = { FLOWWATCH_TOPIC: names.topic, FLOWWATCH_GROUP: names.group, FLOWWATCH_KEY_PREFIX: names.prefix };

function expectRefused(args: readonly string[], result: CliResult, codes: string): void {
  expect({ args: args.join(' '), code: result.code, stderr: result.stderr }).toEqual({
    args: args.join(' '),
    code: 2,
    stderr: expect.stringMatching(oneSentence(codes)),
  });
}

describe('exit codes: 1 only for "stream and batch differ", 2 for any usage mistake', () => {
  it('exits 2 with one flowwatch sentence for the mistakes commander used to end with exit 1', async () => {
    const mistakes = [
      ['verify', '--bogus'],
      ['verify', '--min-count', '0'],
      ['produce', '--rate', '-1'],
      ['top', '-n', 'x'],
      ['walkthrough', '--consumers', '0'],
      ['no-such-command'],
    ];
    const results = await Promise.all(mistakes.map((args) => runCli(args, base)));
    mistakes.forEach((args, i) => {
      expectRefused(args, results[i] as CliResult, 'FW_USAGE');
    });
  });
});
