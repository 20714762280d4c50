// `flowwatch consume`: runs one member of the group until stopped, or until caught up if asked.
import type { Config } from '../config/index.ts';
import { connectAdmin, createKafka, ensureTopicsPatiently, TopicSet } from '../kafka/index.ts';
import { MetricsServer, type MetricsServerOptions } from '../metrics/index.ts';
import { type Logger, onStopSignals, settlesWithin, streamEvents } from '../runtime/index.ts';
import { connectRedis, createRedis, StateReader } from '../state/index.ts';
import { waitUntilCaughtUp } from './caught-up-watch.ts';
import { ConsumerEvents } from './consumer-events.ts';
import { createConsumerMetrics } from './consumer-metrics.ts';
import { ConsumerStats } from './consumer-stats.ts';
import { GroupMember } from './group-member.ts';
import { StatusBoard } from './status-board.ts';

export interface ConsumeCommandOptions {
  readonly exitWhenCaughtUp: boolean;
  /** Count a partition whose first messages Kafka deleted, from its first retained offset, marked partial. */
  readonly acceptPartial: boolean;
  readonly sessionTimeoutMs: number;
  readonly partitionsConcurrently: number;
  readonly latenessSeconds: number;
  /** Flows with a Time beyond this are outliers: counted, but in no hour and not in the watermark. */
  readonly maxEventTime: number;
  readonly statusIntervalMs: number;
  readonly top: number;
  readonly terminal: boolean;
  /** Where to serve the member's metrics for Prometheus; none when undefined. */
  readonly metrics?: MetricsServerOptions;
}

/** How often a member asked to exit when caught up looks at Redis (cheap: see caught-up-watch.ts). */
const CAUGHT_UP_POLL_MS = 100;
const DISCONNECT_TIMEOUT_MS = 3000;
const LEAVE_TIMEOUT_MS = 10_000;
/** A member stops within this bound of SIGTERM, whatever the brokers do (docs/deployment.md promises it). */
const STOP_BOUND_MS = LEAVE_TIMEOUT_MS + 5000;

export async function runConsume(config: Config, log: Logger, options: ConsumeCommandOptions): Promise<void> {
  const kafka = createKafka(config, log, 'flowwatch-consumer');
  // Commands wait through Redis outages (the member retries them) instead of failing after one try.
  const redis = await connectRedis(createRedis(config, { maxRetriesPerRequest: 1 }), config);
  const admin = await connectAdmin(createKafka(config, log, 'flowwatch-consumer-setup', 'quick'), config);
  // A member may start before any producer: the topics it reads must exist to subscribe.
  await ensureTopicsPatiently(admin, config.topic, { replicationFactor: config.replicationFactor }, log);
  const state = new StateReader(redis, config.keyPrefix);
  const member = new GroupMember(
    kafka,
    redis,
    {
      topic: config.topic,
      group: config.group,
      keyPrefix: config.keyPrefix,
      sessionTimeoutMs: options.sessionTimeoutMs,
      partitionsConcurrently: options.partitionsConcurrently,
      latenessSeconds: options.latenessSeconds,
      maxEventTime: options.maxEventTime,
      waitReplicas: config.redisWaitReplicas,
      waitTimeoutMs: config.redisWaitTimeoutMs,
      acceptPartial: options.acceptPartial,
    },
    log.child({ component: 'consumer' }),
  );
  const { events } = member;
  const eventStream = config.eventsFile === undefined ? undefined : streamEvents(config.eventsFile, [events]);
  const stats = new ConsumerStats(events);
  const board = new StatusBoard(
    state,
    admin,
    events,
    { topic: config.topic, top: options.top, intervalMs: options.statusIntervalMs, terminal: options.terminal },
    log.child({ component: 'status' }),
  );
  const stop = onStopSignals(log, { exitAfterMs: STOP_BOUND_MS });
  let metrics: MetricsServer | undefined;
  try {
    if (options.metrics !== undefined) {
      const registry = createConsumerMetrics({ stats, partitionsOwned: member.partitionsOwned }, () =>
        state.watermark(),
      );
      metrics = await MetricsServer.start(registry, options.metrics, log.child({ component: 'metrics' }));
    }
    await member.start();
    if (options.statusIntervalMs > 0) board.start();
    const caughtUp = options.exitWhenCaughtUp
      ? waitUntilCaughtUp(admin, state, new TopicSet(config.topic).names, {
          intervalMs: CAUGHT_UP_POLL_MS,
          signal: stop.signal,
        })
      : new Promise<void>(() => {});
    await Promise.race([caughtUp, stop.stopped(), member.failed()]);
    if (!stop.signal.aborted && options.exitWhenCaughtUp) {
      log.info('caught up: every partition is applied up to its end');
      events.emit(ConsumerEvents.CAUGHT_UP, {});
    }
  } finally {
    await board.stop();
    stop.dispose();
    // kafkajs 2.2.4 can wait for ever when asked to leave in the middle of a rebalance; a member
    // that cannot leave in time simply exits: the group notices within the session timeout, and
    // the state is exact either way (Redis holds it with its offsets).
    if (!(await settlesWithin(member.stop(), LEAVE_TIMEOUT_MS))) {
      log.warn(
        { timeoutMs: LEAVE_TIMEOUT_MS },
        'could not leave the group in time (it was rebalancing); exiting anyway',
      );
    }
    await settlesWithin(admin.disconnect(), DISCONNECT_TIMEOUT_MS);
    await metrics?.stop();
    redis.disconnect();
    const summary = {
      latency: stats.latency.summary(),
      flowsApplied: stats.flowsApplied,
      batchesApplied: stats.batchesApplied,
      batchesRefused: stats.batchesRefused,
      undecodable: stats.undecodable,
      timeOutliers: stats.timeOutliers,
    };
    log.info(summary, 'consumer stopped');
    events.emit(ConsumerEvents.STOPPED, summary);
    eventStream?.close();
  }
}
