import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli, runCliWithoutEvents } from '../support/cli.ts';
import { testNames } from '../support/test-names.ts';

/** One line on standard error: `flowwatch: <sentence> (<code>)`, no stack trace, nothing else. */
const oneSentence = (codes: string) => new RegExp(`^flowwatch: \\S[^\\n]* \\((${codes})\\)\\n$`);

/** A port where something listens and counts who connects: a refusal "before anything connects" leaves it at 0. */
let listener: Server;
let connections = 0;
let listening = '';
/** A port where nothing listens: every connection is refused at once. */
let closedPort = 0;

beforeAll(async () => {
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  listening = `127.0.0.1:${(listener.address() as { port: number }).port}`;
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  closedPort = (probe.address() as { port: number }).port;
  probe.close();
  await once(probe, 'close');
});

afterAll(() => {
  listener.close();
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

describe('strict configuration: nonsense is refused in one sentence, exit 2, before anything connects', () => {
  it('refuses broker and Redis ports outside 1..65535, a pace too slow for a timer, an events file in no folder, and settings that need another', async () => {
    const reachable = { ...base, KAFKA_BROKERS: listening, REDIS_URL: `redis://${listening}` };
    const cases: [string[], Record<string, string>][] = [
      [['produce'], { KAFKA_BROKERS: `${listening},127.0.0.1:0` }],
      [['produce'], { KAFKA_BROKERS: `${listening},127.0.0.1:65536` }],
      [['consume'], { KAFKA_BROKERS: `${listening},127.0.0.1:99999` }],
      [['top'], { REDIS_URL: 'redis://127.0.0.1:0' }],
      [['top'], { REDIS_SENTINELS: '127.0.0.1:0', REDIS_SENTINEL_NAME: 'main' }],
      [['top'], { REDIS_CLUSTER_NODES: `${listening},127.0.0.1:65536` }],
      [['produce', '--rate', '1e-9'], {}],
      [['produce', '--speedup', '1e-9'], {}],
      [['consume'], { FLOWWATCH_EVENTS_FILE: '/no/such/folder/events.jsonl' }],
      [['consume'], { FLOWWATCH_EVENTS_FILE: '/' }],
      [['top'], { REDIS_SENTINEL_PASSWORD: 'for-the-sentinels' }],
      [['top'], { REDIS_SENTINEL_NAME: 'main' }],
      [['consume'], { FLOWWATCH_REDIS_WAIT_TIMEOUT_MS: '500' }],
    ];
    const results = await Promise.all(cases.map(([args, env]) => runCliWithoutEvents(args, { ...reachable, ...env })));
    cases.forEach(([args, env], i) => {
      expectRefused([...args, JSON.stringify(env)], results[i] as CliResult, 'FW_CONFIG_INVALID|FW_USAGE');
    });
    expect(connections).toBe(0);
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
