// Every error a user can see, in one table: its code, the exit code it ends a command with, and
// whether retrying may help (the retry loops read that flag, never the message).

interface ErrorKind {
  /** Exit code of a command that ends with this error. */
  readonly exitCode: number;
  /** True when the same call may succeed later (something is away for a while). */
  readonly retriable: boolean;
}

/** Exit code of a command that could not do its job. */
export const EXIT_FAILED = 2;
/** Exit code of a command stopped by a signal (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130;

const fails = (retriable = false): ErrorKind => ({ exitCode: EXIT_FAILED, retriable });

const ERRORS = {
  FW_CONFIG_INVALID: fails(),
  FW_USAGE: fails(),
  FW_INPUT_NOT_FOUND: fails(),
  FW_INPUT_UNREADABLE: fails(),
  FW_SOURCE_CHANGED: fails(),
  FW_KAFKA_UNREACHABLE: fails(true),
  FW_KAFKA_AUTH_FAILED: fails(),
  FW_KAFKA_TLS_UNTRUSTED: fails(),
  FW_KAFKA_TOPIC_MISSING: fails(),
  FW_KAFKA_TOPIC_LAYOUT: fails(),
  FW_KAFKA_REFUSED: fails(),
  FW_NAMES_IN_USE: fails(),
  FW_REDIS_UNREACHABLE: fails(true),
  FW_REDIS_REFUSED: fails(),
  FW_REDIS_AUTH_FAILED: fails(),
  FW_REDIS_TLS_UNTRUSTED: fails(),
  FW_STATE_REFUSED: fails(true),
  FW_STATE_REPLY_UNKNOWN: fails(),
  FW_STATE_INCOMPLETE: fails(),
  FW_STATE_OTHER_GROUP: fails(),
  FW_STATE_PARTIAL: fails(),
  FW_INFRA_FAILED: fails(),
  FW_PROCESS_FAILED: fails(),
  FW_INTERRUPTED: { exitCode: EXIT_INTERRUPTED, retriable: false },
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERRORS;

/** The codes by name, for throwing: `new FlowwatchError(ErrorCode.INPUT_NOT_FOUND, ...)`. */
export const ErrorCode = {
  CONFIG_INVALID: 'FW_CONFIG_INVALID',
  USAGE: 'FW_USAGE',
  INPUT_NOT_FOUND: 'FW_INPUT_NOT_FOUND',
  INPUT_UNREADABLE: 'FW_INPUT_UNREADABLE',
  SOURCE_CHANGED: 'FW_SOURCE_CHANGED',
  KAFKA_UNREACHABLE: 'FW_KAFKA_UNREACHABLE',
  KAFKA_AUTH_FAILED: 'FW_KAFKA_AUTH_FAILED',
  KAFKA_TLS_UNTRUSTED: 'FW_KAFKA_TLS_UNTRUSTED',
  KAFKA_TOPIC_MISSING: 'FW_KAFKA_TOPIC_MISSING',
  /**
   * A topic replicated less than asked, or one to create with more replicas than brokers answering;
   * an existing topic with a broker down is not refused (kafka/topic-replication.ts).
   */
  KAFKA_TOPIC_LAYOUT: 'FW_KAFKA_TOPIC_LAYOUT',
  /** A broker refused a request for good (no retry can cure it), e.g. an authorization it lacks. */
  KAFKA_REFUSED: 'FW_KAFKA_REFUSED',
  /** The walkthrough's topic, group or key prefix holds data it did not make (see `--reset`). */
  NAMES_IN_USE: 'FW_NAMES_IN_USE',
  REDIS_UNREACHABLE: 'FW_REDIS_UNREACHABLE',
  /** Redis answered a command with an error of its own (a key of the wrong type, a script error). */
  REDIS_REFUSED: 'FW_REDIS_REFUSED',
  REDIS_AUTH_FAILED: 'FW_REDIS_AUTH_FAILED',
  REDIS_TLS_UNTRUSTED: 'FW_REDIS_TLS_UNTRUSTED',
  /**
   * Redis refused a state change whole (a key of the wrong type, a value that is not a number, its
   * memory limit): nothing changed, and the same call succeeds once someone removes the cause.
   */
  STATE_REFUSED: 'FW_STATE_REFUSED',
  /** A state script answered with a code the TypeScript side does not know. */
  STATE_REPLY_UNKNOWN: 'FW_STATE_REPLY_UNKNOWN',
  /** Messages the state has not counted were deleted from Kafka (retention ran ahead of the state). */
  STATE_INCOMPLETE: 'FW_STATE_INCOMPLETE',
  /** Another consumer group counts into the state under this prefix: epochs are per state, not per group. */
  STATE_OTHER_GROUP: 'FW_STATE_OTHER_GROUP',
  /**
   * The state holds no position for a partition whose first messages Kafka has deleted: counting it
   * would give a partial answer, which only --accept-partial allows.
   */
  STATE_PARTIAL: 'FW_STATE_PARTIAL',
  INFRA_FAILED: 'FW_INFRA_FAILED',
  /** A flowwatch process started by another (the walkthrough's producer or consumers) failed. */
  PROCESS_FAILED: 'FW_PROCESS_FAILED',
  INTERRUPTED: 'FW_INTERRUPTED',
} as const satisfies Record<string, ErrorCode>;

export class FlowwatchError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'FlowwatchError';
    this.code = code;
  }

  get retriable(): boolean {
    return ERRORS[this.code].retriable;
  }

  get exitCode(): number {
    return ERRORS[this.code].exitCode;
  }
}

export function isFlowwatchError(error: unknown, code?: ErrorCode): error is FlowwatchError {
  return error instanceof FlowwatchError && (code === undefined || error.code === code);
}

/** True when retrying may help: only a FlowwatchError whose code says so. */
export function isRetriable(error: unknown): boolean {
  return error instanceof FlowwatchError && error.retriable;
}

/** The exit code a command ends with after `error`. */
export function exitCodeOf(error: unknown): number {
  return error instanceof FlowwatchError ? error.exitCode : EXIT_FAILED;
}
