// `flowwatch produce`: opens the input, makes sure the topics exist, streams, prints the summary.
import {
  type Config,
  connectAdmin,
  createKafka,
  DEFAULT_PARTITIONS,
  ensureTopics,
  type Logger,
  onStopSignals,
  openFlowInput,
} from '../common/index.ts';
import { FlowProducer } from './flow-producer.ts';
import type { Pace } from './pacer.ts';
import { ProduceProgress } from './produce-progress.ts';
import { formatSummary, type ProduceSummary } from './produce-summary.ts';

export interface ProduceCommandOptions {
  readonly file: string;
  readonly partitions?: number;
  readonly batchSize?: number;
  readonly pace?: Pace;
  readonly json?: boolean;
  readonly progress?: boolean;
}

export const DEFAULT_BATCH_SIZE = 8000;

/** Runs a produce; resolves to the summary (`complete` false when a signal stopped it). */
export async function runProduce(config: Config, log: Logger, options: ProduceCommandOptions): Promise<ProduceSummary> {
  const input = await openFlowInput(options.file);
  // A quick check first: no broker means one sentence at once, not a minute of retries.
  const admin = await connectAdmin(createKafka(config, log, 'flowwatch-producer-setup', 'quick'), config);
  try {
    await ensureTopics(admin, config.topic, options.partitions ?? DEFAULT_PARTITIONS);
  } finally {
    await admin.disconnect();
  }
  const producer = new FlowProducer(
    createKafka(config, log, 'flowwatch-producer'),
    log.child({ component: 'producer' }),
  );
  const stop = onStopSignals(log);
  const summary: ProduceSummary = {
    source: input.source,
    topic: config.topic,
    linesRead: 0,
    flowsPublished: 0,
    invalidLines: 0,
    skippedLines: 0,
    lastLineDelivered: 0,
    elapsedSeconds: 0,
    flowsPerSecond: 0,
    complete: false,
  };
  const progress = new ProduceProgress(input, summary, log, options.progress ?? process.stderr.isTTY === true);
  try {
    await producer.connect();
    progress.start();
    await producer.produce(
      input,
      {
        topic: config.topic,
        batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
        pace: options.pace,
        signal: stop.signal,
      },
      summary,
    );
  } finally {
    progress.stop();
    stop.dispose();
    await producer.disconnect();
  }
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${formatSummary(summary)}\n`);
  return summary;
}
