// Every error a user can see: one code, one plain sentence, and whether retrying may help.

export const ErrorCode = {
  CONFIG_INVALID: 'FW_CONFIG_INVALID',
  USAGE: 'FW_USAGE',
  INPUT_NOT_FOUND: 'FW_INPUT_NOT_FOUND',
  INPUT_UNREADABLE: 'FW_INPUT_UNREADABLE',
  KAFKA_UNREACHABLE: 'FW_KAFKA_UNREACHABLE',
  KAFKA_TOPIC_MISSING: 'FW_KAFKA_TOPIC_MISSING',
  REDIS_UNREACHABLE: 'FW_REDIS_UNREACHABLE',
  STATE_FENCED: 'FW_STATE_FENCED',
  STATE_INCOMPLETE: 'FW_STATE_INCOMPLETE',
  INFRA_FAILED: 'FW_INFRA_FAILED',
  INTERRUPTED: 'FW_INTERRUPTED',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface FlowwatchErrorOptions {
  retriable?: boolean;
  cause?: unknown;
}

export class FlowwatchError extends Error {
  readonly code: ErrorCode;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: FlowwatchErrorOptions = {}) {
    super(message, { cause: options.cause });
    this.name = 'FlowwatchError';
    this.code = code;
    this.retriable = options.retriable ?? false;
  }
}

export function isFlowwatchError(error: unknown, code?: ErrorCode): error is FlowwatchError {
  return error instanceof FlowwatchError && (code === undefined || error.code === code);
}
