// A stand-in for the state reader that answers every read a state view makes, from fixed figures;
// a test overrides the reads it is about (a ranking, a failure).
import type { RankedDevice, StateReader, StateTotals } from '../../state/index.ts';

export interface AnsweringState {
  readonly ranking?: RankedDevice[];
  readonly totals?: Partial<StateTotals>;
  /** Replaces the reads named, each as the function the reader would have. */
  readonly reads?: Partial<Record<keyof StateReader, (...args: never[]) => Promise<unknown>>>;
}

export function answeringState(answers: AnsweringState = {}): StateReader {
  const ranking = answers.ranking ?? [];
  return {
    ranking: async () => ranking,
    deviceCount: async () => ranking.length,
    totals: async () => ({
      flows: 0,
      webRequests: 0,
      invalidLines: 0,
      undecodable: 0,
      timeOutliers: 0,
      ...answers.totals,
    }),
    partialStarts: async () => new Map(),
    watermark: async () => undefined,
    check: async () => null,
    appliedOffsets: async () => new Map(),
    ...answers.reads,
  } as unknown as StateReader;
}

/** A read that fails as one to a Redis refusing connections while `down()` holds, and answers `value` otherwise. */
export function refusedWhile<T>(down: () => boolean, value: T): () => Promise<T> {
  return async () => {
    if (down()) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
    return value;
  };
}
