// The producer's instrumentation events (kafkajs-style), with their payloads.
import { Instrumentation } from '../runtime/index.ts';
import type { ProduceSummary } from './produce-summary.ts';

export const ProducerEvents = {
  /** The topics held part of this stream already: the run publishes only the rest. */
  RESUMED: 'producer.resumed',
  /** A batch's requests were all acknowledged: its flows are in the topic. */
  BATCH_DELIVERED: 'producer.batch_delivered',
  /** The run ended (read to the end, or stopped by a signal); its summary. */
  STOPPED: 'producer.stopped',
} as const;

/** Where a resumed run starts: what the topics hold of its stream, per partition. */
export interface ProducerResumed {
  readonly source: string;
  readonly sourceId: string;
  /** Every line of the stream up to this one is in the topic (the lowest of the flow partitions). */
  readonly everyLineUpTo: number;
  /** Some lines up to this one are (the highest of the flow partitions). */
  readonly someLinesUpTo: number;
  /** Per partition of the flow topic: every line routed there up to this one is there (0: none). */
  readonly flowPartitionsUpTo: readonly number[];
  /** The same for the dead-letter topic. */
  readonly deadLetterPartitionsUpTo: readonly number[];
}

export interface ProducerEventMap extends Record<string, unknown> {
  [ProducerEvents.RESUMED]: ProducerResumed;
  [ProducerEvents.BATCH_DELIVERED]: {
    /** Flows in the batch, acknowledged. */
    readonly flows: number;
    /** Every line up to this one is delivered or skipped. */
    readonly lastLine: number;
  };
  [ProducerEvents.STOPPED]: ProduceSummary;
}

export type ProducerInstrumentation = Instrumentation<ProducerEventMap>;

export function producerInstrumentation(): ProducerInstrumentation {
  return new Instrumentation<ProducerEventMap>();
}
