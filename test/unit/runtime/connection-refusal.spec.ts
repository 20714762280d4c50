import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../../config/index.ts';
// Internal to runtime/ (the Kafka and Redis clients read refusals with them): tested where they live.
import { kafkaRefusal, redisRefusal } from '../../../runtime/connection-refusal.ts';
import { ErrorCode } from '../../../runtime/index.ts';

const { KafkaJSConnectionError, KafkaJSNumberOfRetriesExceeded, KafkaJSSASLAuthenticationError } = kafkajs;

// kafkajs' types declare no message for it, but it takes one, as thrown by its SASL authenticators.
const SaslError = KafkaJSSASLAuthenticationError as unknown as new (message: string) => Error;

const kafkaConfig = loadConfig({
  KAFKA_BROKERS: 'kafka.example:9093',
  KAFKA_TLS: 'true',
  KAFKA_SASL_MECHANISM: 'scram-sha-512',
  KAFKA_SASL_USERNAME: 'alice',
  KAFKA_SASL_PASSWORD: 'hunter2',
});
const redisConfig = loadConfig({ REDIS_URL: 'rediss://app:hunter2@redis.example:6380' });
const SHOWN_URL = 'rediss://app:***@redis.example:6380';

/** A TLS failure as kafkajs reports it once its retries are used up: the socket's code two levels down. */
function kafkaTlsFailure(code: string): Error {
  const connection = new KafkaJSConnectionError('Connection error: certificate problem', {
    broker: 'kafka.example:9093',
    code,
  } as never);
  return new KafkaJSNumberOfRetriesExceeded(connection, { retryCount: 2, retryTime: 1000, cause: connection } as never);
}

function expectRefusal(error: ReturnType<typeof kafkaRefusal>, code: ErrorCode, message: string): void {
  expect(error?.code).toBe(code);
  expect(error?.message).toBe(message);
  expect(error?.retriable).toBe(false);
  expect(error?.message).not.toContain('hunter2');
}

describe('kafkaRefusal', () => {
  it('names the user and the mechanism of a refused login', () => {
    const error = new SaslError('SASL SCRAM SHA512 authentication failed: invalid credentials');
    expectRefusal(
      kafkaRefusal(kafkaConfig, error),
      ErrorCode.KAFKA_AUTH_FAILED,
      'Kafka at kafka.example:9093 refused the SCRAM-SHA-512 login of user alice: wrong user name or password',
    );
  });

  it('says when the broker does not offer the mechanism', () => {
    const error = new SaslError('SASL SCRAM-SHA-512 mechanism is not supported by the server');
    expectRefusal(
      kafkaRefusal(kafkaConfig, error),
      ErrorCode.KAFKA_AUTH_FAILED,
      'Kafka at kafka.example:9093 does not offer SASL SCRAM-SHA-512 (set KAFKA_SASL_MECHANISM to one it offers)',
    );
  });

  it('tells an untrusted certificate by the code under kafkajs wrappers', () => {
    for (const code of [
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
      'SELF_SIGNED_CERT_IN_CHAIN',
      'DEPTH_ZERO_SELF_SIGNED_CERT',
    ]) {
      expectRefusal(
        kafkaRefusal(kafkaConfig, kafkaTlsFailure(code)),
        ErrorCode.KAFKA_TLS_UNTRUSTED,
        'the Kafka broker at kafka.example:9093 presented a certificate not signed by a well-known CA (set KAFKA_TLS_CA_FILE to the CA that signed it)',
      );
    }
    expect(kafkaRefusal(kafkaConfig, kafkaTlsFailure('ERR_TLS_CERT_ALTNAME_INVALID'))?.message).toBe(
      'the Kafka broker at kafka.example:9093 presented a certificate for another host name (connect to it by a name its certificate holds)',
    );
    expect(kafkaRefusal(kafkaConfig, kafkaTlsFailure('CERT_HAS_EXPIRED'))?.message).toBe(
      'the Kafka broker at kafka.example:9093 presented an expired certificate',
    );
  });

  it('leaves a broker that does not answer to the caller (it may come back)', () => {
    expect(kafkaRefusal(kafkaConfig, kafkaTlsFailure('ECONNREFUSED'))).toBeUndefined();
    expect(kafkaRefusal(kafkaConfig, new Error('Connection timeout'))).toBeUndefined();
  });
});

describe('redisRefusal', () => {
  /** An ioredis reply error: the failed command, password included, rides on it. */
  function replyError(message: string): Error {
    return Object.assign(new Error(message), { command: { name: 'hello', args: ['3', 'AUTH', 'app', 'hunter2'] } });
  }

  it('names the user of a refused login and keeps no reply error, which holds the password', () => {
    const error = redisRefusal(redisConfig, SHOWN_URL, replyError('WRONGPASS invalid username-password pair'));
    expectRefusal(
      error,
      ErrorCode.REDIS_AUTH_FAILED,
      `Redis at ${SHOWN_URL} refused the login of user app: wrong user name or password`,
    );
    expect(JSON.stringify(error?.cause, Object.getOwnPropertyNames(error?.cause ?? {}))).not.toContain('hunter2');
  });

  it('says that a login is needed when none was given', () => {
    const config: Config = loadConfig({ REDIS_URL: 'rediss://redis.example:6380' });
    expectRefusal(
      redisRefusal(config, 'rediss://redis.example:6380', replyError('NOAUTH Authentication required.')),
      ErrorCode.REDIS_AUTH_FAILED,
      'Redis at rediss://redis.example:6380 asks for a login: put the user and password in REDIS_URL (rediss://user:password@host:port)',
    );
  });

  it('tells an untrusted certificate, naming the CA setting', () => {
    const tls = Object.assign(new Error('self-signed certificate in certificate chain'), {
      code: 'SELF_SIGNED_CERT_IN_CHAIN',
    });
    expectRefusal(
      redisRefusal(redisConfig, SHOWN_URL, tls),
      ErrorCode.REDIS_TLS_UNTRUSTED,
      `the Redis server at ${SHOWN_URL} presented a certificate not signed by a well-known CA (set REDIS_TLS_CA_FILE to the CA that signed it)`,
    );
  });

  it('leaves a server that does not answer to the caller', () => {
    expect(redisRefusal(redisConfig, SHOWN_URL, Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(
      undefined,
    );
  });
});
