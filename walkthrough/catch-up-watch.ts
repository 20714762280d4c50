// The walkthrough while it streams: draws the ranking, and waits until the state has caught up with
// what the producer published, ending with the reason as soon as something fails on the way.
import { kafkaFailure, kafkaRefused } from '../kafka/index.ts';
import { ErrorCode, FlowwatchError, isRetriable, pause } from '../runtime/index.ts';
import { isCaughtUp, type PartitionProgress, redisFailure, type ViewSource } from '../state/index.ts';
import type { FlowwatchProcess } from './pipeline-processes.ts';

/** What the watch reads of a process of the run. */
export type WatchedProcess = Pick<FlowwatchProcess, 'name' | 'code' | 'exitedEarly' | 'reason' | 'logFile'>;

/** What the watch needs of the state's view: how far it has got, per partition. */
export interface ProgressView {
  readonly progress: readonly PartitionProgress[] | undefined;
}

/** Reads the state's view; after a rejected read, says which source failed (the state view reader does). */
export interface ProgressReader<V extends ProgressView> {
  read(): Promise<V>;
  readonly failedSource: ViewSource | undefined;
}

/** How long the reads may keep failing (Redis or Kafka away: a restart, a failover) before the walkthrough ends. */
export const READ_PATIENCE_MS = 30_000;

export interface CatchUpParts<V extends ProgressView> {
  /** The state as one view, each partition's progress included (from Kafka's end offsets and the state's own). */
  readonly view: ProgressReader<V>;
  readonly draw: (view: V) => void;
  readonly producer: WatchedProcess;
  /** Every process of the run, the producer included. */
  readonly processes: readonly WatchedProcess[];
  /** Aborts on a stop signal. */
  readonly signal: AbortSignal;
}

export interface CatchUpOptions {
  readonly refreshMs: number;
  /** How long to wait for the consumers to catch up once the producer is done. */
  readonly catchUpTimeoutMs: number;
}

/**
 * Resolves once the producer is done and the state holds all it published. A read that fails is
 * tried again at the next refresh while the failure may pass (Redis or Kafka away, as the consumers
 * ride it out), for READ_PATIENCE_MS at most; a refusal (an ACL, a password, TLS) ends it at once.
 */
export async function watchUntilCaughtUp<V extends ProgressView>(
  parts: CatchUpParts<V>,
  options: CatchUpOptions,
): Promise<void> {
  const { producer, signal } = parts;
  let producerDoneAt: number | undefined;
  let failingSince: number | undefined;
  for (;;) {
    if (signal.aborted) throw new FlowwatchError(ErrorCode.INTERRUPTED, 'interrupted: consumers and producer stopped');
    const view = await parts.view.read().catch((error: unknown) => {
      const failure = progressFailure(error, parts.view.failedSource);
      failingSince ??= performance.now();
      if (refused(error, failure) || performance.now() - failingSince >= READ_PATIENCE_MS) throw failure;
      return undefined;
    });
    if (view !== undefined) {
      failingSince = undefined;
      parts.draw(view);
    }
    // A process that failed ends the run even while the state cannot be read.
    endOnFailedProcess(parts);
    if (producer.code === 0 && view !== undefined) {
      if (view.progress !== undefined && isCaughtUp(view.progress)) return;
      producerDoneAt ??= performance.now();
      if (performance.now() - producerDoneAt > options.catchUpTimeoutMs) {
        throw new FlowwatchError(
          ErrorCode.STATE_INCOMPLETE,
          `the consumers did not catch up within ${options.catchUpTimeoutMs / 1000} s`,
        );
      }
    }
    await pause(options.refreshMs, signal);
  }
}

/** Throws when the producer failed or another process of the run stopped before its time. */
function endOnFailedProcess<V extends ProgressView>(parts: CatchUpParts<V>): void {
  const { producer } = parts;
  if (producer.code !== undefined && producer.code !== 0) {
    throw new FlowwatchError(
      ErrorCode.PROCESS_FAILED,
      `the producer failed (exit ${producer.code}): ${producer.reason} (its log: ${producer.logFile})`,
    );
  }
  const dead = parts.processes.find((p) => p !== producer && p.exitedEarly);
  if (dead !== undefined) {
    throw new FlowwatchError(
      ErrorCode.PROCESS_FAILED,
      `${dead.name} stopped unexpectedly (exit ${dead.code}): ${dead.reason} (its log: ${dead.logFile})`,
    );
  }
}

/**
 * Why the progress could not be read, in one sentence, from the source the view reader says failed:
 * Kafka's reading is the one its progress needs, Redis' the state's.
 */
function progressFailure(error: unknown, source: ViewSource | undefined): FlowwatchError {
  return source === 'Kafka' ? kafkaFailure(error, 'read how far the topics go') : redisFailure(error);
}

/**
 * A failure no wait cures, which ends the walkthrough at once with its real reason rather than "did
 * not catch up" later: a Kafka client that gave up on a refusal has already retried for its patience.
 */
function refused(error: unknown, failure: FlowwatchError): boolean {
  return !isRetriable(failure) && (failure.code !== ErrorCode.KAFKA_REFUSED || kafkaRefused(error));
}
