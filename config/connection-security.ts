// TLS and SASL settings for Kafka and Redis: the files are read once, here, and every setting is
// checked with the others, so a bad combination is one sentence at start-up, not a failed handshake.
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
// The configuration sits below the runtime's face (whose process spawning reads it): the inner file, no import circle.
import { ErrorCode, FlowwatchError } from '../runtime/errors.ts';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** A PEM file as read at start-up: its path for messages, its text for the TLS options. */
export interface PemFile {
  readonly path: string;
  readonly pem: string;
}

export interface KafkaTls {
  /** The CA that signed the brokers' certificates; undefined: the CAs Node trusts. */
  readonly ca: PemFile | undefined;
  /** A client certificate and its key, for brokers that ask for one (mutual TLS). */
  readonly cert: PemFile | undefined;
  readonly key: PemFile | undefined;
}

export interface KafkaSasl {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  /** Not enumerable: a configuration printed or logged by mistake does not show it. */
  readonly password: string;
}

/** The security settings as the schema leaves them: strings, or undefined when unset. */
export interface SecuritySettings {
  readonly REDIS_URL: string;
  readonly KAFKA_TLS?: boolean | undefined;
  readonly KAFKA_TLS_CA_FILE?: string | undefined;
  readonly KAFKA_TLS_CERT_FILE?: string | undefined;
  readonly KAFKA_TLS_KEY_FILE?: string | undefined;
  readonly KAFKA_SASL_MECHANISM?: SaslMechanism | undefined;
  readonly KAFKA_SASL_USERNAME?: string | undefined;
  readonly KAFKA_SASL_PASSWORD?: string | undefined;
  readonly KAFKA_SASL_PASSWORD_FILE?: string | undefined;
  readonly REDIS_TLS_CA_FILE?: string | undefined;
}

export interface ConnectionSecurity {
  readonly kafkaTls: KafkaTls | undefined;
  readonly kafkaSasl: KafkaSasl | undefined;
  readonly redisTlsCa: PemFile | undefined;
}

const invalid = (message: string) => new FlowwatchError(ErrorCode.CONFIG_INVALID, message);

export function connectionSecurity(settings: SecuritySettings): ConnectionSecurity {
  return Object.freeze({
    kafkaTls: kafkaTls(settings),
    kafkaSasl: kafkaSasl(settings),
    redisTlsCa: redisTlsCa(settings),
  });
}

function kafkaTls(settings: SecuritySettings): KafkaTls | undefined {
  const { KAFKA_TLS: enabled, KAFKA_TLS_CA_FILE: caFile, KAFKA_TLS_CERT_FILE: certFile } = settings;
  const keyFile = settings.KAFKA_TLS_KEY_FILE;
  const fileSetting = [
    ['KAFKA_TLS_CA_FILE', caFile],
    ['KAFKA_TLS_CERT_FILE', certFile],
    ['KAFKA_TLS_KEY_FILE', keyFile],
  ].find(([, value]) => value !== undefined)?.[0];
  if (enabled === false && fileSetting !== undefined) {
    throw invalid(`KAFKA_TLS is false, but ${fileSetting} is set: drop one of them`);
  }
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw invalid('KAFKA_TLS_CERT_FILE and KAFKA_TLS_KEY_FILE go together: set both or neither');
  }
  if (enabled !== true && fileSetting === undefined) return undefined;
  const cert = certFile === undefined ? undefined : readCertificate('KAFKA_TLS_CERT_FILE', certFile);
  const key = keyFile === undefined ? undefined : readPrivateKey('KAFKA_TLS_KEY_FILE', keyFile);
  if (cert !== undefined && key !== undefined && !cert.x509.checkPrivateKey(key.key)) {
    throw invalid(
      `KAFKA_TLS_KEY_FILE is invalid: ${key.file.path} is not the key of the certificate in KAFKA_TLS_CERT_FILE`,
    );
  }
  return Object.freeze({
    ca: caFile === undefined ? undefined : readCertificate('KAFKA_TLS_CA_FILE', caFile).file,
    cert: cert?.file,
    key: key?.file,
  });
}

function kafkaSasl(settings: SecuritySettings): KafkaSasl | undefined {
  const { KAFKA_SASL_MECHANISM: mechanism, KAFKA_SASL_USERNAME: username } = settings;
  const { KAFKA_SASL_PASSWORD: password, KAFKA_SASL_PASSWORD_FILE: passwordFile } = settings;
  if (password !== undefined && passwordFile !== undefined) {
    throw invalid('KAFKA_SASL_PASSWORD and KAFKA_SASL_PASSWORD_FILE are both set: keep one');
  }
  if (mechanism === undefined) {
    const stray = [
      ['KAFKA_SASL_USERNAME', username],
      ['KAFKA_SASL_PASSWORD', password],
      ['KAFKA_SASL_PASSWORD_FILE', passwordFile],
    ].find(([, value]) => value !== undefined)?.[0];
    if (stray !== undefined) {
      throw invalid(`${stray} is set, but KAFKA_SASL_MECHANISM is not (plain, scram-sha-256 or scram-sha-512)`);
    }
    return undefined;
  }
  if (username === undefined) throw invalid('KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME');
  if (password === undefined && passwordFile === undefined) {
    throw invalid('KAFKA_SASL_MECHANISM needs a password: KAFKA_SASL_PASSWORD or KAFKA_SASL_PASSWORD_FILE');
  }
  const secret = password ?? readPasswordFile(passwordFile as string);
  const sasl = { mechanism, username };
  Object.defineProperty(sasl, 'password', { value: secret, enumerable: false });
  return Object.freeze(sasl as KafkaSasl);
}

function redisTlsCa(settings: SecuritySettings): PemFile | undefined {
  const caFile = settings.REDIS_TLS_CA_FILE;
  if (caFile === undefined) return undefined;
  if (!settings.REDIS_URL.startsWith('rediss://')) {
    throw invalid('REDIS_TLS_CA_FILE is set, but REDIS_URL does not start with rediss:// (TLS)');
  }
  return readCertificate('REDIS_TLS_CA_FILE', caFile).file;
}

function readText(setting: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw invalid(`${setting} is invalid: no such file: ${path}`);
    if (code === 'EISDIR') throw invalid(`${setting} is invalid: ${path} is a folder, not a file`);
    throw invalid(`${setting} is invalid: cannot read ${path} (${code ?? 'error'})`);
  }
}

function readCertificate(setting: string, path: string): { file: PemFile; x509: X509Certificate } {
  const pem = readText(setting, path);
  try {
    return { file: Object.freeze({ path, pem }), x509: new X509Certificate(pem) };
  } catch {
    throw invalid(`${setting} is invalid: ${path} holds no PEM certificate`);
  }
}

function readPrivateKey(setting: string, path: string): { file: PemFile; key: KeyObject } {
  const pem = readText(setting, path);
  try {
    return { file: Object.freeze({ path, pem }), key: createPrivateKey(pem) };
  } catch (error) {
    if (/passphrase/i.test((error as Error).message)) {
      throw invalid(
        `${setting} is invalid: the key in ${path} is encrypted; give it unencrypted, readable only by you`,
      );
    }
    throw invalid(`${setting} is invalid: ${path} holds no PEM private key`);
  }
}

function readPasswordFile(path: string): string {
  // Files made with `echo secret > file` end in a newline that is not part of the password.
  const password = readText('KAFKA_SASL_PASSWORD_FILE', path).replace(/[\r\n]+$/, '');
  if (password === '') throw invalid(`KAFKA_SASL_PASSWORD_FILE is invalid: ${path} is empty`);
  return password;
}
