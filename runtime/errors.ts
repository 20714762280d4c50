// Every error a user can see, in one table: its code, the exit code it ends a command with, and
// whether retrying may help (the retry loops read that flag, never the message).
import exitCodes from './exit-codes.json' with { type: 'json' };

/**
 * The exit codes a command ends with (exit-codes.json, which bin/flowwatch.js reads before Node can
 * run TypeScript): 0 done (verify: identical), 1 only for "stream and batch differ", 2 for anything
 * that could not be done, 130 after a signal (128 + SIGINT, as shells report it).
 */
export const ExitCode = {
  DONE: exitCodes.done,
  DIFFER: exitCodes.differ,
  FAILED: exitCodes.failed,
  INTERRUPTED: exitCodes.interrupted,
} as const;

interface ErrorKind {
  /** Exit code of a command that ends with this error. */
  readonly exitCode: number;
  /** True when the same call may succeed later (something is away for a while). */
  readonly retriable: boolean;
}

const fails = (retriable = false): ErrorKind => ({ exitCode: ExitCode.FAILED, retriable });

/** Each error by name; its code is the name behind `FW_` (ErrorCode below). */
const ERRORS = {
  CONFIG_INVALID: fails(),
  USAGE: fails(),
  INPUT_NOT_FOUND: fails(),
  INPUT_UNREADABLE: fails(),
  SOURCE_CHANGED: fails(),
  KAFKA_UNREACHABLE: fails(true),
  KAFKA_AUTH_FAILED: fails(),
  KAFKA_TLS_UNTRUSTED: fails(),
  KAFKA_TOPIC_MISSING: fails(),
  /**
   * A topic replicated less than asked, or one to create with more replicas than brokers answering;
   * an existing topic with a broker down is not refused (kafka/topic-replication.ts).
   */
  KAFKA_TOPIC_LAYOUT: fails(),
  /** A broker refused a request for good (no retry can cure it), e.g. an authorization it lacks. */
  KAFKA_REFUSED: fails(),
  /** The walkthrough's topic, group or key prefix holds data it did not make (see `--reset`). */
  NAMES_IN_USE: fails(),
  REDIS_UNREACHABLE: fails(true),
  /** Redis answered a command with an error of its own (a key of the wrong type, a script error). */
  REDIS_REFUSED: fails(),
  REDIS_AUTH_FAILED: fails(),
  REDIS_TLS_UNTRUSTED: fails(),
  /**
   * Redis refused a state change whole (a key of the wrong type, a value that is not a number, its
   * memory limit): nothing changed, and the same call succeeds once someone removes the cause.
   */
  STATE_REFUSED: fails(true),
  /** A state script answered with a code the TypeScript side does not know. */
  STATE_REPLY_UNKNOWN: fails(),
  /** Messages the state has not counted were deleted from Kafka (retention ran ahead of the state). */
  STATE_INCOMPLETE: fails(),
  /** Another consumer group counts into the state under this prefix: epochs are per state, not per group. */
  STATE_OTHER_GROUP: fails(),
  /**
   * The state holds no position for a partition whose first messages Kafka has deleted: counting it
   * would give a partial answer, which only --accept-partial allows.
   */
  STATE_PARTIAL: fails(),
  /**
   * The consumer's record scanner and kafkajs disagree on a batch's records (how many, or the last
   * offset): counting it would lose records or count them twice, so the member ends instead.
   */
  RECORDS_MISREAD: fails(),
  INFRA_FAILED: fails(),
  /** A flowwatch process started by another (the walkthrough's producer or consumers) failed. */
  PROCESS_FAILED: fails(),
  INTERRUPTED: { exitCode: ExitCode.INTERRUPTED, retriable: false },
} as const satisfies Record<string, ErrorKind>;

type ErrorName = keyof typeof ERRORS;

export type ErrorCode = `FW_${ErrorName}`;

/** The codes by name, for throwing: `new FlowwatchError(ErrorCode.INPUT_NOT_FOUND, ...)`. */
export const ErrorCode = Object.freeze(Object.fromEntries(Object.keys(ERRORS).map((name) => [name, `FW_${name}`]))) as {
  readonly [Name in ErrorName]: `FW_${Name}`;
};

const kindOf = (code: ErrorCode): ErrorKind => ERRORS[code.slice('FW_'.length) as ErrorName];

export class FlowwatchError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'FlowwatchError';
    this.code = code;
  }

  get retriable(): boolean {
    return kindOf(this.code).retriable;
  }

  get exitCode(): number {
    return kindOf(this.code).exitCode;
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
  return error instanceof FlowwatchError ? error.exitCode : ExitCode.FAILED;
}
