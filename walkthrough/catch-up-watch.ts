// The walkthrough while it streams: draws the ranking, and waits until the state has caught up with
// what the producer published, ending with the reason as soon as something fails on the way.
import { setTimeout as sleep } from 'node:timers/promises';
import kafkajs from 'kafkajs';
import { kafkaFailure } from '../kafka/index.ts';
import { ErrorCode, FlowwatchError } from '../runtime/index.ts';
import { isCaughtUp, type PartitionProgress, redisFailure } from '../state/index.ts';
import type { FlowwatchProcess } from './pipeline-processes.ts';

/** What the watch reads of a process of the run. */
export type WatchedProcess = Pick<FlowwatchProcess, 'name' | 'code' | 'exitedEarly' | 'reason' | 'logFile'>;

/** What the watch needs of the state's view: how far it has got, per partition. */
export interface ProgressView {
  readonly progress: readonly PartitionProgress[] | undefined;
}

export interface CatchUpParts<V extends ProgressView> {
  /** The state as one view, each partition's progress included (from Kafka's end offsets and the state's own). */
  readonly read: () => Promise<V>;
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

/** Resolves once the producer is done and the state holds all it published. */
export async function watchUntilCaughtUp<V extends ProgressView>(
  parts: CatchUpParts<V>,
  options: CatchUpOptions,
): Promise<void> {
  const { producer, signal } = parts;
  let producerDoneAt: number | undefined;
  for (;;) {
    if (signal.aborted) throw new FlowwatchError(ErrorCode.INTERRUPTED, 'interrupted: consumers and producer stopped');
    const view = await parts.read().catch((error: unknown) => {
      throw progressFailure(error);
    });
    parts.draw(view);
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
    if (producer.code === 0) {
      if (view.progress !== undefined && isCaughtUp(view.progress)) return;
      producerDoneAt ??= performance.now();
      if (performance.now() - producerDoneAt > options.catchUpTimeoutMs) {
        throw new FlowwatchError(
          ErrorCode.STATE_INCOMPLETE,
          `the consumers did not catch up within ${options.catchUpTimeoutMs / 1000} s`,
        );
      }
    }
    await sleep(options.refreshMs, undefined, { signal }).catch(() => undefined);
  }
}

/**
 * Why the progress could not be read, in one sentence, at once: a Kafka client that gave up has
 * already retried for its patience, and waiting on would end later with a wrong reason ("did not
 * catch up"). Kafka's reading is the one its progress needs; any other failure is the state's (Redis).
 */
function progressFailure(error: unknown): FlowwatchError {
  return error instanceof kafkajs.KafkaJSError
    ? kafkaFailure(error, 'read how far the topics go')
    : redisFailure(error);
}
