// Secure connections: SASL over TLS to a broker this test configures with a CA it makes itself, and
// Redis over TLS with a user and password. The right secrets work end to end; a wrong password or a
// certificate from an unknown CA is one sentence and exit 2 at once; no secret shows, logs included.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../support/cli.ts';
import { consumeToEnd, expectStateEqualsFile, generatedFile, pipelineEnv, produce } from '../support/pipeline.ts';
import { SecureKafka, type TestKafkaUser } from '../support/secure-kafka.ts';
import { SecureRedis } from '../support/secure-redis.ts';
import { TestCa } from '../support/test-ca.ts';
import { testNames } from '../support/test-names.ts';

const SCRAM_256: TestKafkaUser = { mechanism: 'scram-sha-256', username: 'alice', password: `alice-${randomUUID()}` };
const SCRAM_512: TestKafkaUser = { mechanism: 'scram-sha-512', username: 'carol', password: `carol-${randomUUID()}` };
const PLAIN: TestKafkaUser = { mechanism: 'plain', username: 'bob', password: `bob-${randomUUID()}` };
const REDIS_USER = 'flowwatch';
const REDIS_PASSWORD = `redis-${randomUUID()}`;
const WRONG_PASSWORD = `wrong-${randomUUID()}`;
const SECRETS = [SCRAM_256.password, SCRAM_512.password, PLAIN.password, REDIS_PASSWORD, WRONG_PASSWORD];
/** A refusal must come at once, not after the minute a patient client spends retrying. */
const AT_ONCE_MS = 20_000;

const dir = mkdtempSync(join(tmpdir(), 'flowwatch-secure-'));
let ca: TestCa;
let unknownCa: TestCa;
let kafka: SecureKafka | undefined;
let redis: SecureRedis | undefined;
const file = generatedFile(3000, 21);

beforeAll(async () => {
  ca = TestCa.create(dir, 'trusted');
  unknownCa = TestCa.create(dir, 'unknown');
  kafka = await SecureKafka.start(ca, [SCRAM_256, SCRAM_512, PLAIN]);
  redis = await SecureRedis.start(ca, REDIS_USER, REDIS_PASSWORD);
});

afterAll(async () => {
  try {
    await kafka?.stop();
    await redis?.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(dirname(file), { recursive: true, force: true });
  }
});

function kafkaEnv(user: TestKafkaUser, caFile = ca.certFile): Record<string, string> {
  return {
    KAFKA_BROKERS: (kafka as SecureKafka).brokers,
    KAFKA_TLS_CA_FILE: caFile,
    KAFKA_SASL_MECHANISM: user.mechanism,
    KAFKA_SASL_USERNAME: user.username,
    KAFKA_SASL_PASSWORD: user.password,
  };
}

function redisEnv(password = REDIS_PASSWORD, caFile = ca.certFile): Record<string, string> {
  return { REDIS_URL: (redis as SecureRedis).url(REDIS_USER, password), REDIS_TLS_CA_FILE: caFile };
}

const nonLogLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => !line.startsWith('{')); // logs are JSON lines; everything else is for the user

function expectNoSecret(result: CliResult): void {
  for (const secret of SECRETS) {
    expect(result.stderr).not.toContain(secret);
    expect(result.stdout).not.toContain(secret);
  }
}

/** Runs the command and expects exactly `sentence` on stderr besides logs, exit 2, soon, no secret. */
async function expectRefusal(args: string[], env: Record<string, string>, sentence: string): Promise<void> {
  const started = performance.now();
  const result = await runCli(args, env);
  expect(performance.now() - started).toBeLessThan(AT_ONCE_MS);
  expect(result.code, result.stderr).toBe(2);
  // One line: the sentence, and the error's code after it.
  const lines = nonLogLines(result.stderr);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^flowwatch: .* \(FW_[A-Z_]+\)$/);
  expect(lines[0]?.replace(/ \(FW_[A-Z_]+\)$/, '')).toBe(`flowwatch: ${sentence}`);
  expect(result.stdout).toBe('');
  expectNoSecret(result);
  // Debug logs show more (kafkajs' own lines, the stack): still no secret.
  const debug = await runCli(args, { ...env, LOG_LEVEL: 'debug' });
  expect(debug.code, debug.stderr).toBe(2);
  expectNoSecret(debug);
}

describe('secure connections', () => {
  it('count a file end to end over SASL/SCRAM-SHA-256 with TLS and Redis over TLS with a login', async () => {
    const names = testNames('secure');
    const env = { ...kafkaEnv(SCRAM_256), ...redisEnv(), LOG_LEVEL: 'debug' };
    const produced = await produce(names, file, [], env);
    expect(JSON.parse(produced.stdout).flowsPublished).toBeGreaterThan(0);
    const consumed = await consumeToEnd(names, env);
    const top = await runCli(['top', '--json', '-n', '3'], pipelineEnv(names, env));
    expect(top.code, top.stderr).toBe(0);
    expect(JSON.parse(top.stdout)).toHaveLength(3);
    for (const result of [produced, consumed, top]) expectNoSecret(result);
    const client = (redis as SecureRedis).client(REDIS_USER, REDIS_PASSWORD);
    try {
      await client.connect();
      await expectStateEqualsFile(client, names.prefix, file);
    } finally {
      client.disconnect();
    }
  });

  it('log in with SCRAM-SHA-512 and PLAIN, set by flags, the password read from a file', async () => {
    for (const user of [SCRAM_512, PLAIN]) {
      const passwordFile = join(dir, `${user.username}.password`);
      writeFileSync(passwordFile, `${user.password}\n`, { mode: 0o600 });
      const names = testNames(`secure-${user.username}`);
      const result = await runCli(
        [
          ...['--brokers', (kafka as SecureKafka).brokers, '--kafka-tls-ca-file', ca.certFile],
          ...['--kafka-sasl-mechanism', user.mechanism, '--kafka-sasl-username', user.username],
          ...['--kafka-sasl-password-file', passwordFile],
          ...['produce', file, '--json', '--no-progress'],
        ],
        pipelineEnv(names),
      );
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout).flowsPublished).toBeGreaterThan(0);
      expectNoSecret(result);
    }
  });

  it('say in one sentence that Kafka refused a wrong password, exit 2', async () => {
    const brokers = (kafka as SecureKafka).brokers;
    const names = testNames('secure-wrong');
    await expectRefusal(
      ['produce', file, '--json', '--no-progress'],
      pipelineEnv(names, kafkaEnv({ ...SCRAM_256, password: WRONG_PASSWORD })),
      `Kafka at ${brokers} refused the SCRAM-SHA-256 login of user alice: wrong user name or password`,
    );
    await expectRefusal(
      ['consume', '--exit-when-caught-up'],
      pipelineEnv(names, kafkaEnv({ ...PLAIN, password: WRONG_PASSWORD })),
      `Kafka at ${brokers} refused the PLAIN login of user bob: wrong user name or password`,
    );
  });

  it('say in one sentence that the broker certificate is not signed by a trusted CA, exit 2', async () => {
    const brokers = (kafka as SecureKafka).brokers;
    const names = testNames('secure-ca');
    await expectRefusal(
      ['produce', file, '--json', '--no-progress'],
      pipelineEnv(names, kafkaEnv(SCRAM_256, unknownCa.certFile)),
      `the Kafka broker at ${brokers} presented a certificate not signed by the CA in KAFKA_TLS_CA_FILE (${unknownCa.certFile})`,
    );
    const { KAFKA_TLS_CA_FILE: _ca, ...systemCas } = kafkaEnv(SCRAM_256);
    await expectRefusal(
      ['produce', file, '--json', '--no-progress'],
      pipelineEnv(names, { ...systemCas, KAFKA_TLS: 'true' }),
      `the Kafka broker at ${brokers} presented a certificate not signed by a well-known CA (set KAFKA_TLS_CA_FILE to the CA that signed it)`,
    );
  });

  it('say in one sentence that Redis refused a wrong password, exit 2', async () => {
    const port = (redis as SecureRedis).port;
    await expectRefusal(
      ['top', '--json'],
      redisEnv(WRONG_PASSWORD),
      `Redis at rediss://${REDIS_USER}:***@127.0.0.1:${port} refused the login of user ${REDIS_USER}: wrong user name or password`,
    );
  });

  it('say in one sentence that the Redis certificate is not signed by the given CA, exit 2', async () => {
    const port = (redis as SecureRedis).port;
    await expectRefusal(
      ['top', '--json'],
      redisEnv(REDIS_PASSWORD, unknownCa.certFile),
      `the Redis server at rediss://${REDIS_USER}:***@127.0.0.1:${port} presented a certificate not signed by the CA in REDIS_TLS_CA_FILE (${unknownCa.certFile})`,
    );
  });
});
