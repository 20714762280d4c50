// A refused login or an untrusted certificate, told apart from "nothing answers": retrying the same
// secret or the same certificate cannot help, so these are final, one sentence each, and never carry
// a secret (Redis' reply errors hold the AUTH command's arguments, so they are not kept as causes).
import type { Config, PemFile } from '../config/index.ts';
import { ErrorCode, FlowwatchError } from './errors.ts';

type TlsRejection = 'unknown-ca' | 'wrong-host' | 'expired' | 'not-yet-valid';

/** Node's certificate-verification error codes, by what they mean to the user. */
const TLS_REJECTIONS: Readonly<Record<string, TlsRejection>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unknown-ca',
  UNABLE_TO_GET_ISSUER_CERT: 'unknown-ca',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown-ca',
  SELF_SIGNED_CERT_IN_CHAIN: 'unknown-ca',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'unknown-ca',
  CERT_UNTRUSTED: 'unknown-ca',
  CERT_SIGNATURE_FAILURE: 'unknown-ca',
  ERR_TLS_CERT_ALTNAME_INVALID: 'wrong-host',
  CERT_HAS_EXPIRED: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
};

interface ErrorLike {
  readonly name?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly broker?: unknown;
  readonly cause?: unknown;
}

/** The error and its causes, outermost first: kafkajs wraps a socket's error in one or two of its own. */
function causes(error: unknown): ErrorLike[] {
  const found: ErrorLike[] = [];
  for (let current = error; typeof current === 'object' && current !== null && found.length < 10; ) {
    const like = current as ErrorLike;
    if (found.includes(like)) break;
    found.push(like);
    current = like.cause;
  }
  return found;
}

function tlsRejection(error: unknown): { rejection: TlsRejection; at: ErrorLike } | undefined {
  for (const cause of causes(error)) {
    const rejection = typeof cause.code === 'string' ? TLS_REJECTIONS[cause.code] : undefined;
    if (rejection !== undefined) return { rejection, at: cause };
  }
  return undefined;
}

function untrusted(server: string, rejection: TlsRejection, caSetting: string, ca: PemFile | undefined): string {
  switch (rejection) {
    case 'unknown-ca':
      return ca === undefined
        ? `${server} presented a certificate not signed by a well-known CA (set ${caSetting} to the CA that signed it)`
        : `${server} presented a certificate not signed by the CA in ${caSetting} (${ca.path})`;
    case 'wrong-host':
      return `${server} presented a certificate for another host name (connect to it by a name its certificate holds)`;
    case 'expired':
      return `${server} presented an expired certificate`;
    case 'not-yet-valid':
      return `${server} presented a certificate that is not valid yet (is this machine's clock right?)`;
  }
}

/** The final reason a Kafka connection failed, or undefined if it may be a broker that is away. */
export function kafkaRefusal(config: Config, error: unknown): FlowwatchError | undefined {
  const brokers = config.kafkaBrokers.join(',');
  const tls = tlsRejection(error);
  if (tls !== undefined) {
    const at = typeof tls.at.broker === 'string' ? tls.at.broker : brokers;
    const sentence = untrusted(`the Kafka broker at ${at}`, tls.rejection, 'KAFKA_TLS_CA_FILE', config.kafkaTls?.ca);
    return new FlowwatchError(ErrorCode.KAFKA_TLS_UNTRUSTED, sentence, { cause: error });
  }
  const sasl = causes(error).find((cause) => cause.name === 'KafkaJSSASLAuthenticationError');
  if (sasl === undefined) return undefined;
  const mechanism = config.kafkaSasl?.mechanism.toUpperCase() ?? 'SASL';
  if (String(sasl.message).includes('not supported by the server')) {
    return new FlowwatchError(
      ErrorCode.KAFKA_AUTH_FAILED,
      `Kafka at ${brokers} does not offer SASL ${mechanism} (set KAFKA_SASL_MECHANISM to one it offers)`,
      { cause: error },
    );
  }
  return new FlowwatchError(
    ErrorCode.KAFKA_AUTH_FAILED,
    `Kafka at ${brokers} refused the ${mechanism} login of user ${config.kafkaSasl?.username ?? '?'}: wrong user name or password`,
    { cause: error },
  );
}

/** The final reason a Redis connection failed, or undefined if it may be a server that is away. */
export function redisRefusal(config: Config, shownUrl: string, error: unknown): FlowwatchError | undefined {
  const tls = tlsRejection(error);
  if (tls !== undefined) {
    const sentence = untrusted(
      `the Redis server at ${shownUrl}`,
      tls.rejection,
      'REDIS_TLS_CA_FILE',
      config.redisTlsCa,
    );
    return new FlowwatchError(ErrorCode.REDIS_TLS_UNTRUSTED, sentence, { cause: error });
  }
  const reply = causes(error).find((cause) => /^(WRONGPASS|NOAUTH)\b/.test(String(cause.message)));
  if (reply === undefined) return undefined;
  // The server's words only: the reply error itself holds the AUTH or HELLO arguments, the password among them.
  const cause = new Error(String(reply.message));
  if (String(reply.message).startsWith('NOAUTH')) {
    return new FlowwatchError(
      ErrorCode.REDIS_AUTH_FAILED,
      `Redis at ${shownUrl} asks for a login: put the user and password in REDIS_URL (rediss://user:password@host:port)`,
      { cause },
    );
  }
  const username = decodeURIComponent(new URL(config.redisUrl).username) || 'default';
  return new FlowwatchError(
    ErrorCode.REDIS_AUTH_FAILED,
    `Redis at ${shownUrl} refused the login of user ${username}: wrong user name or password`,
    { cause },
  );
}
