// The producer's instrumentation events (kafkajs-style), with their payloads.
import { Instrumentation } from '../common/index.ts';
import type { ProduceSummary } from './produce-summary.ts';

export const ProducerEvents = {
  /** A batch's requests were all acknowledged: its flows are in the topic. */
  BATCH_DELIVERED: 'producer.batch_delivered',
  /** The run ended (read to the end, or stopped by a signal); its summary. */
  STOPPED: 'producer.stopped',
} as const;

export interface ProducerEventMap extends Record<string, unknown> {
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
