// `flowwatch consume`: runs one member of the group until stopped, or until caught up if asked.

import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import type { Admin } from 'kafkajs';
import {
  type Config,
  connectAdmin,
  connectRedis,
  createKafka,
  createRedis,
  deadLetterTopic,
  ensureTopics,
  isCaughtUp,
  type Logger,
  onStopSignals,
  settlesWithin,
  stateProgress,
} from '../common/index.ts';
import { StatusBoard } from './status-board.ts';
import { WebServerCounter } from './webserver-counter.ts';

export interface ConsumeCommandOptions {
  readonly exitWhenCaughtUp: boolean;
  readonly sessionTimeoutMs: number;
  readonly partitionsConcurrently: number;
  readonly latenessSeconds: number;
  readonly statusIntervalMs: number;
  readonly top: number;
  readonly terminal: boolean;
}

const CAUGHT_UP_POLL_MS = 500;
const LEAVE_TIMEOUT_MS = 10_000;

export async function runConsume(config: Config, log: Logger, options: ConsumeCommandOptions): Promise<void> {
  const kafka = createKafka(config, log, 'flowwatch-consumer');
  // Commands wait through Redis outages (the counter retries them) instead of failing after one try.
  const redis = await connectRedis(createRedis(config, { maxRetriesPerRequest: 1 }), config);
  const admin = await connectAdmin(createKafka(config, log, 'flowwatch-consumer-setup', 'quick'), config);
  // A member may start before any producer: the topics it reads must exist to subscribe.
  await ensureTopics(admin, config.topic);
  const counter = new WebServerCounter(
    kafka,
    redis,
    {
      topic: config.topic,
      group: config.group,
      keyPrefix: config.keyPrefix,
      sessionTimeoutMs: options.sessionTimeoutMs,
      partitionsConcurrently: options.partitionsConcurrently,
      latenessSeconds: options.latenessSeconds,
    },
    log.child({ component: 'consumer' }),
  );
  const board = new StatusBoard(
    redis,
    admin,
    {
      topic: config.topic,
      keyPrefix: config.keyPrefix,
      top: options.top,
      intervalMs: options.statusIntervalMs,
      terminal: options.terminal,
      flowsCounted: () => counter.stats.flowsApplied,
    },
    log.child({ component: 'status' }),
  );
  const stop = onStopSignals(log);
  try {
    await counter.start();
    if (options.statusIntervalMs > 0) board.start();
    const topics = [config.topic, deadLetterTopic(config.topic)];
    const caughtUp = options.exitWhenCaughtUp
      ? waitUntilCaughtUp(admin, redis, config.keyPrefix, topics, stop.signal)
      : new Promise<void>(() => {});
    await Promise.race([caughtUp, stop.stopped(), counter.failed()]);
    if (!stop.signal.aborted && options.exitWhenCaughtUp)
      log.info('caught up: every partition is applied up to its end');
  } finally {
    await board.stop();
    stop.dispose();
    // kafkajs 2.2.4 can wait for ever when asked to leave in the middle of a rebalance; a member
    // that cannot leave in time simply exits: the group notices within the session timeout, and
    // the state is exact either way (Redis holds it with its offsets).
    if (!(await settlesWithin(counter.stop(), LEAVE_TIMEOUT_MS))) {
      log.warn(
        { timeoutMs: LEAVE_TIMEOUT_MS },
        'could not leave the group in time (it was rebalancing); exiting anyway',
      );
    }
    await admin.disconnect();
    redis.disconnect();
  }
  const { stats } = counter;
  log.info(
    {
      latency: stats.latency.summary(),
      flowsApplied: stats.flowsApplied,
      batchesApplied: stats.batchesApplied,
      batchesRefused: stats.batchesRefused,
      undecodable: stats.undecodable,
    },
    'consumer stopped',
  );
}

async function waitUntilCaughtUp(
  admin: Admin,
  redis: Redis,
  prefix: string,
  topics: string[],
  signal: AbortSignal,
): Promise<void> {
  while (!signal.aborted) {
    try {
      if (isCaughtUp(await stateProgress(admin, redis, prefix, topics))) return;
    } catch {
      // Broker or Redis away for a moment: the counter rides it out; ask again later.
    }
    await sleep(CAUGHT_UP_POLL_MS);
  }
}
