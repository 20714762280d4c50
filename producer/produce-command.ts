// `flowwatch produce`: opens the input, makes sure the topics exist, finds what of this source the
// topics hold already, streams the rest, prints the summary.
import type { Kafka } from 'kafkajs';
import type { Config } from '../config/index.ts';
import { type FlowInput, formatSourceId, openFlowInput, refuseTopicsTooSmall } from '../flow/index.ts';
import {
  connectAdmin,
  createKafka,
  DEFAULT_PARTITIONS,
  ensureTopicsPatiently,
  type RecordBatchLimit,
  readRecordBatchLimitsPatiently,
  type TopicPartitions,
  TopicSet,
} from '../kafka/index.ts';
import { MetricsServer, type MetricsServerOptions } from '../metrics/index.ts';
import {
  ErrorCode,
  FlowwatchError,
  isFlowwatchError,
  type Logger,
  onStopSignals,
  type StopSignal,
  settlesWithin,
  streamEvents,
  unlessStopped,
} from '../runtime/index.ts';
import { STOP_DELIVERY_MS } from './batch-delivery.ts';
import { FlowProducer } from './flow-producer.ts';
import type { Pace } from './pacer.ts';
import { DEFAULT_BATCH_SIZE } from './produce-defaults.ts';
import { ProduceProgress } from './produce-progress.ts';
import { formatSummary, type ProduceSummary, startingSummary } from './produce-summary.ts';
import { ProducerEvents, type ProducerResumed } from './producer-events.ts';
import { createProducerMetrics } from './producer-metrics.ts';
import { resumePoint, sourceChanged } from './resume-point.ts';
import { findSourceTails } from './source-tail-finder.ts';

export interface ProduceCommandOptions {
  readonly file: string;
  /** The name carried in `source`: the file's base name, or `stdin`, when not given. */
  readonly source?: string;
  /** Publish as a new stream, even if the topic holds this source already. */
  readonly again?: boolean;
  readonly partitions?: number;
  readonly batchSize?: number;
  /** How long a batch not yet full waits for more input (see ProduceOptions.lingerMs). */
  readonly lingerMs?: number;
  readonly pace?: Pace;
  readonly json?: boolean;
  readonly progress?: boolean;
  /** Where to serve the run's progress for Prometheus while it runs; none when undefined. */
  readonly metrics?: MetricsServerOptions;
}

const DISCONNECT_TIMEOUT_MS = 3000;

/**
 * Runs a produce; resolves to the summary (`complete` false when a signal stopped it). A signal
 * before publishing began (the broker not answering yet, the topic's ends being read) rejects with
 * FW_INTERRUPTED: there is nothing to deliver and no summary to give.
 */
export async function runProduce(config: Config, log: Logger, options: ProduceCommandOptions): Promise<ProduceSummary> {
  // The batch in flight gets STOP_DELIVERY_MS, the disconnect DISCONNECT_TIMEOUT_MS; then it exits.
  // Handled from the very start, so that a stop at any moment ends in exit 130, not in a kill.
  const stop = onStopSignals(log, { exitAfterMs: STOP_DELIVERY_MS + DISCONNECT_TIMEOUT_MS + 4000 });
  let input: FlowInput | undefined;
  try {
    input = await openFlowInput(options.file);
    return await produceUntilStopped(config, log, options, stop, input);
  } finally {
    // Whatever ended the run (a refusal, a stop, a failed setup), the file is not left open.
    await input?.close();
    stop.dispose();
  }
}

async function produceUntilStopped(
  config: Config,
  log: Logger,
  options: ProduceCommandOptions,
  stop: StopSignal,
  input: FlowInput,
): Promise<ProduceSummary> {
  const beforePublishing = <T>(work: Promise<T>) => unlessStopped(work, stop.signal, 'before anything was published');
  const source = options.source ?? input.source;
  const topics = new TopicSet(config.topic);
  // A quick check first: no broker means one sentence at once, not a minute of retries.
  const setup = await beforePublishing(
    (async () => {
      const admin = await connectAdmin(createKafka(config, log, 'flowwatch-producer-setup', 'quick'), config);
      try {
        const partitions = await ensureTopicsPatiently(
          admin,
          config.topic,
          { partitions: options.partitions ?? DEFAULT_PARTITIONS, replicationFactor: config.replicationFactor },
          log,
        );
        const limits = await readRecordBatchLimitsPatiently(admin, topics.names, log);
        return {
          partitions,
          limits: {
            flows: limits.get(topics.flows) as RecordBatchLimit,
            deadLetters: limits.get(topics.deadLetters) as RecordBatchLimit,
          },
        };
      } finally {
        await admin.disconnect();
      }
    })(),
  );
  const partitions: TopicPartitions = setup.partitions;
  const recordBatchBytes = { flows: setup.limits.flows.bytes, deadLetters: setup.limits.deadLetters.bytes };
  const kafka = createKafka(config, log, 'flowwatch-producer');
  const checkStarted = performance.now();
  const fingerprint = await beforePublishing(input.fingerprint());
  // Standard input without a name cannot be recognised on a re-run: each run is a stream of its own.
  const newStream = options.again === true || (options.file === '-' && options.source === undefined);
  const tails = await beforePublishing(sourceTails(kafka, topics, source, log));
  const point = resumePoint(tails, fingerprint, newStream);
  if (point.kind === 'changed') throw sourceChanged(config.topic, source, point, fingerprint);
  const sourceId = formatSourceId({ fingerprint, stream: point.stream });
  // Still before anything is sent: a topic too small for this source's largest message is refused now.
  refuseTopicsTooSmall({
    flows: { topic: topics.flows, limit: setup.limits.flows },
    deadLetters: { topic: topics.deadLetters, limit: setup.limits.deadLetters },
    source,
    sourceId,
  });
  const producer = new FlowProducer(kafka, log.child({ component: 'producer' }));
  const events = config.eventsFile === undefined ? undefined : streamEvents(config.eventsFile, [producer.events]);
  if (point.resumed) {
    const resumed: ProducerResumed = {
      source,
      sourceId,
      everyLineUpTo: Math.min(...point.flows),
      someLinesUpTo: Math.max(...point.flows),
      flowPartitionsUpTo: point.flows,
      deadLetterPartitionsUpTo: point.deadLetters,
    };
    log.info(resumed, 'resuming: the topic holds this stream up to these lines, per partition; publishing the rest');
    producer.events.emit(ProducerEvents.RESUMED, resumed);
  }
  const summary = startingSummary(
    { source, sourceId, stream: point.stream, resumed: point.resumed, topic: config.topic },
    (performance.now() - checkStarted) / 1000,
  );
  const progress = new ProduceProgress(input, summary, log, options.progress ?? process.stderr.isTTY === true);
  let metrics: MetricsServer | undefined;
  try {
    if (options.metrics !== undefined) {
      const registry = createProducerMetrics(summary, input);
      metrics = await MetricsServer.start(registry, options.metrics, log.child({ component: 'metrics' }));
    }
    await producer.connect();
    progress.start();
    await producer.produce(
      input,
      {
        topic: config.topic,
        source,
        sourceId,
        resume: point.resumed ? { flows: point.flows, deadLetters: point.deadLetters } : undefined,
        partitions,
        batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
        lingerMs: options.lingerMs,
        recordBatchBytes,
        pace: options.pace,
        signal: stop.signal,
      },
      summary,
    );
  } finally {
    progress.stop();
    await metrics?.stop();
    // A broker that does not answer must not hold the exit: requests left are reported unconfirmed.
    await settlesWithin(producer.disconnect(), DISCONNECT_TIMEOUT_MS);
    producer.events.emit(ProducerEvents.STOPPED, summary);
    events?.close();
  }
  if (options.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(`${formatSummary(summary)}\n`);
  return summary;
}

/** What the flow topic and its dead-letter topic hold of the source: its last message per partition. */
async function sourceTails(kafka: Kafka, topics: TopicSet, source: string, log: Logger) {
  try {
    const tails = await findSourceTails(kafka, topics.names, source, log.child({ component: 'resume' }));
    return { flows: tails.get(topics.flows) ?? [], deadLetters: tails.get(topics.deadLetters) ?? [] };
  } catch (error) {
    if (isFlowwatchError(error)) throw error;
    throw new FlowwatchError(
      ErrorCode.KAFKA_UNREACHABLE,
      `could not read what ${topics.flows} holds of ${source} already (${(error as Error).message})`,
      { cause: error },
    );
  }
}
