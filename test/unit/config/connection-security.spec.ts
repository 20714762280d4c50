import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../config/index.ts';
import { ErrorCode, isFlowwatchError } from '../../../runtime/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'flowwatch-security-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A self-signed certificate and its key, made with openssl like an operator would. */
function certificate(name: string): { cert: string; key: string } {
  const cert = join(dir, `${name}.pem`);
  const key = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      `/CN=${name}`,
    ]),
    { stdio: 'ignore' },
  );
  return { cert, key };
}

const ca = certificate('ca');
const client = certificate('client');
const other = certificate('other');
const passwordFile = join(dir, 'password');
writeFileSync(passwordFile, 's3cret\n');
const notPem = join(dir, 'not-pem.txt');
writeFileSync(notPem, 'hello\n');

/** The one sentence loadConfig throws for `env`. */
function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(isFlowwatchError(error, ErrorCode.CONFIG_INVALID)).toBe(true);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted the settings');
}

describe('loadConfig: secure connections', () => {
  it('leaves TLS and SASL off unless asked', () => {
    const config = loadConfig({});
    expect(config.kafkaTls).toBeUndefined();
    expect(config.kafkaSasl).toBeUndefined();
    expect(config.redisTlsCa).toBeUndefined();
  });

  it('turns TLS on with KAFKA_TLS alone (the CAs Node trusts) or with a CA file, read once', () => {
    expect(loadConfig({ KAFKA_TLS: 'true' }).kafkaTls).toEqual({ ca: undefined, cert: undefined, key: undefined });
    expect(loadConfig({ KAFKA_TLS: 'false' }).kafkaTls).toBeUndefined();
    const tls = loadConfig({ KAFKA_TLS_CA_FILE: ca.cert }).kafkaTls;
    expect(tls?.ca?.path).toBe(ca.cert);
    expect(tls?.ca?.pem).toMatch(/^-----BEGIN CERTIFICATE-----/);
    expect(Object.isFrozen(tls)).toBe(true);
  });

  it('takes a client certificate with its key', () => {
    const tls = loadConfig({ KAFKA_TLS_CERT_FILE: client.cert, KAFKA_TLS_KEY_FILE: client.key }).kafkaTls;
    expect(tls?.cert?.pem).toMatch(/BEGIN CERTIFICATE/);
    expect(tls?.key?.pem).toMatch(/BEGIN PRIVATE KEY/);
  });

  it('reads SASL from flags and the environment, any case of mechanism, the password from a file without its newline', () => {
    const sasl = loadConfig(
      { KAFKA_SASL_USERNAME: 'alice', KAFKA_SASL_PASSWORD_FILE: passwordFile },
      { KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512' },
    ).kafkaSasl;
    expect(sasl).toMatchObject({ mechanism: 'scram-sha-512', username: 'alice' });
    expect(sasl?.password).toBe('s3cret');
    expect(
      loadConfig({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'bob', KAFKA_SASL_PASSWORD: 'pw' }).kafkaSasl
        ?.password,
    ).toBe('pw');
  });

  it('keeps the password out of anything that prints or serializes the configuration', () => {
    const config = loadConfig({
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: 'bob',
      KAFKA_SASL_PASSWORD: 'pw-42',
    });
    expect(JSON.stringify(config)).not.toContain('pw-42');
    expect(Object.keys(config.kafkaSasl ?? {})).toEqual(['mechanism', 'username']);
  });

  it('reads a CA for rediss:// only', () => {
    expect(loadConfig({ REDIS_URL: 'rediss://u:p@host:6380', REDIS_TLS_CA_FILE: ca.cert }).redisTlsCa?.path).toBe(
      ca.cert,
    );
    expect(refusal({ REDIS_URL: 'redis://host:6379', REDIS_TLS_CA_FILE: ca.cert })).toBe(
      'REDIS_TLS_CA_FILE is set, but REDIS_URL does not start with rediss:// (TLS)',
    );
  });

  it('names each bad setting in one sentence, without the password', () => {
    const missing = join(dir, 'missing.pem');
    const cases: [Record<string, string>, string][] = [
      [{ KAFKA_TLS: 'maybe' }, 'KAFKA_TLS is invalid: must be true or false'],
      [{ KAFKA_TLS_CA_FILE: missing }, `KAFKA_TLS_CA_FILE is invalid: no such file: ${missing}`],
      [{ KAFKA_TLS_CA_FILE: dir }, `KAFKA_TLS_CA_FILE is invalid: ${dir} is a folder, not a file`],
      [{ KAFKA_TLS_CA_FILE: notPem }, `KAFKA_TLS_CA_FILE is invalid: ${notPem} holds no PEM certificate`],
      [
        { REDIS_URL: 'rediss://h:1', REDIS_TLS_CA_FILE: notPem },
        `REDIS_TLS_CA_FILE is invalid: ${notPem} holds no PEM certificate`,
      ],
      [
        { KAFKA_TLS: 'false', KAFKA_TLS_CA_FILE: ca.cert },
        'KAFKA_TLS is false, but KAFKA_TLS_CA_FILE is set: drop one of them',
      ],
      [
        { KAFKA_TLS_CERT_FILE: client.cert },
        'KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE go together: set both or neither',
      ],
      [
        { KAFKA_TLS_KEY_FILE: client.key },
        'KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE go together: set both or neither',
      ],
      [
        { KAFKA_TLS_CERT_FILE: client.cert, KAFKA_TLS_KEY_FILE: notPem },
        `KAFKA_TLS_KEY_FILE is invalid: ${notPem} holds no PEM private key`,
      ],
      [
        { KAFKA_TLS_CERT_FILE: client.cert, KAFKA_TLS_KEY_FILE: other.key },
        `KAFKA_TLS_KEY_FILE is invalid: ${other.key} is not the key of the certificate in KAFKA_TLS_CERT_FILE`,
      ],
      [
        { KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'hunter2' },
        'KAFKA_SASL_MECHANISM is invalid: must be plain, scram-sha-256 or scram-sha-512',
      ],
      [
        { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_PASSWORD: 'hunter2' },
        'KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME',
      ],
      [
        { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'a' },
        'KAFKA_SASL_MECHANISM needs a password: KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE',
      ],
      [
        { KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD: 'hunter2' },
        'KAFKA_SASL_USERNAME is set, but KAFKA_SASL_MECHANISM is not (plain, scram-sha-256 or scram-sha-512)',
      ],
      [
        {
          KAFKA_SASL_MECHANISM: 'plain',
          KAFKA_SASL_USERNAME: 'a',
          KAFKA_SASL_PASSWORD: 'hunter2',
          KAFKA_SASL_PASSWORD_FILE: passwordFile,
        },
        'KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are both set: keep one',
      ],
      [
        { KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD_FILE: missing },
        `KAFKA_SASL_PASSWORD_FILE is invalid: no such file: ${missing}`,
      ],
      [
        { REDIS_URL: 'rediss://user:pa ss#word@host:6379' },
        'REDIS_URL is invalid: is not a URL (percent-encode special characters in the password)',
      ],
    ];
    for (const [env, sentence] of cases) {
      const message = refusal(env);
      expect(message).toBe(sentence);
      expect(message).not.toContain('hunter2');
    }
  });

  it('refuses an empty password file', () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    expect(refusal({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'a', KAFKA_SASL_PASSWORD_FILE: empty })).toBe(
      `KAFKA_SASL_PASSWORD_FILE is invalid: ${empty} is empty`,
    );
  });
});
