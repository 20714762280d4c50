import { once } from 'node:events';
import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, runCliWithoutEvents } from '../support/cli.ts';
import { testNames } from '../support/test-names.ts';

/** One line on standard error: `flowwatch: <sentence> (<code>)`, no stack trace, nothing else. */
const oneSentence = (codes: string) => new RegExp(`^flowwatch: \\S[^\\n]* \\((${codes})\\)\\n$`);

/** A port where nothing listens: every connection is refused at once. */
let closedPort = 0;

beforeAll(async () => {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closedPort = (probe.address() as { port: number }).port;
  probe.close();
  await once(probe, 'close');
});

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

describe('secrets are never shown: in a URL, SASL or the sentinels', () => {
  it('masks every secret of REDIS_URL in the connection error, even at log level debug', async () => {
    const at = `127.0.0.1:${closedPort}`;
    const urls = [
      `redis://${at}/?password=hunter2-query`,
      `redis://alice:hunter2-userinfo@${at}/0?token=hunter2-token&db=0`,
      `redis://:hunter2-nouser@${at}?sentinelPassword=hunter2-sentinel&auth=hunter2-auth`,
    ];
    const results = await Promise.all(
      urls.map((url) => runCliWithoutEvents(['top'], { ...base, REDIS_URL: url, LOG_LEVEL: 'debug' })),
    );
    for (const result of results) {
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/no Redis answers at redis:\/\/.*127\.0\.0\.1/);
      expect(result.stderr + result.stdout).not.toMatch(/hunter2/);
    }
  });

  it('never shows the SASL or the sentinel password, even at log level trace', async () => {
    const secrets = {
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'alice',
      KAFKA_SASL_PASSWORD: 'hunter2-sasl',
      REDIS_SENTINEL_PASSWORD: 'hunter2-sentinel',
      REDIS_URL: 'redis://:hunter2-primary@localhost',
      LOG_LEVEL: 'trace',
    };
    const runs = [
      runCliWithoutEvents(['top'], { ...base, ...secrets, REDIS_SENTINELS: `127.0.0.1:${closedPort}` }),
      runCliWithoutEvents(['verify', '--partial'], {
        ...base,
        ...secrets,
        KAFKA_BROKERS: `127.0.0.1:${closedPort}`,
        REDIS_SENTINELS: `127.0.0.1:${closedPort}`,
      }),
    ];
    for (const result of await Promise.all(runs)) {
      expect(result.code).toBe(2);
      expect(result.stderr + result.stdout).not.toMatch(/hunter2/);
    }
  });
});
