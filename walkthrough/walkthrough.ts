// `npm start`: the whole walkthrough on the bundled sample. Makes sure Kafka and Redis answer, resets
// a fresh run, starts the consumer group and the producer, shows the ranking growing, waits until
// the state has caught up, and ends with the batch check.

import type { Admin } from 'kafkajs';
import type { Config } from '../config/index.ts';
import { DashboardServer } from '../dashboard/index.ts';
import { formatCount as n } from '../display/index.ts';
import { connectAdmin, createKafka, TopicSet } from '../kafka/index.ts';
import type { Pace } from '../producer/index.ts';
import { ProducerEvents, type ProduceSummary } from '../producer/index.ts';
import { type Environment, type Logger, onStopSignals } from '../runtime/index.ts';
// The inner file: the guard reaches Kafka and the state, which lean on the runtime's face (an import circle).
import { ensureInfra } from '../runtime/infra-guard.ts';
import { connectRedis, createRedis, StateReader, StateViewReader, stateKeyPattern, stateKeys } from '../state/index.ts';
import { formatReport, verdictExitCode, verify } from '../verify/index.ts';
import { watchUntilCaughtUp } from './catch-up-watch.ts';
import { prepareFreshRun } from './fresh-run.ts';
import { FlowwatchProcess } from './pipeline-processes.ts';
import { RankingDisplay } from './ranking-display.ts';
import type { RunLogs } from './run-logs.ts';

/** A Redis read that takes longer ends the walkthrough: its loop must not hang on a dead connection. */
const READ_TIMEOUT_MS = 5000;

export interface WalkthroughOptions {
  readonly file: string;
  readonly consumers: number;
  readonly partitions: number;
  /** Replay pace; undefined = as fast as the broker takes it. */
  readonly pace: Pace | undefined;
  readonly top: number;
  readonly minCount: number;
  readonly terminal: boolean;
  readonly refreshMs: number;
  /** How long to wait for the consumers to catch up once the producer is done. */
  readonly catchUpTimeoutMs: number;
  /** Port of the live dashboard; when it is taken, any free port. */
  readonly dashboardPort: number;
  /** Delete what the topic, group and key prefix hold even if no walkthrough made it. */
  readonly reset: boolean;
  /** Where the processes' logs go (the walkthrough's own logger writes there too). */
  readonly logs: RunLogs;
  /** The environment the infra scripts and the processes start from. */
  readonly parentEnv: Environment;
}

export async function runWalkthrough(config: Config, log: Logger, options: WalkthroughOptions): Promise<number> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const infra = await ensureInfra(config, say, options.parentEnv);
  const stop = onStopSignals(log);
  const processes: FlowwatchProcess[] = [];
  const redis = createRedis(config);
  let admin: Admin | undefined;
  let dashboard: DashboardServer | undefined;
  try {
    await connectRedis(redis, config);
    admin = await connectAdmin(createKafka(config, log, 'flowwatch-walkthrough'), config);
    say(
      `fresh run: topic ${config.topic} (${options.partitions} partitions), group ${config.group}, Redis keys ${stateKeyPattern(config.keyPrefix)}`,
    );
    await prepareFreshRun(
      admin,
      redis,
      {
        topic: config.topic,
        group: config.group,
        keyPrefix: config.keyPrefix,
        partitions: options.partitions,
        replicationFactor: config.replicationFactor,
      },
      { reset: options.reset, say },
    );
    dashboard = await DashboardServer.start(config, log, {
      host: '127.0.0.1',
      port: options.dashboardPort,
      anyPortIfTaken: true,
      top: options.top,
      minCount: options.minCount,
      intervalMs: 1000,
    });
    say(`dashboard: ${dashboard.url}`);

    say(`logs: ${options.logs.shown}/`);

    // Every setting, flags included, reaches the children; their logs go to their files, never the terminal.
    const logFile = (name: string) => options.logs.file(name);
    for (let i = 1; i <= options.consumers; i++) {
      processes.push(
        new FlowwatchProcess(
          `consumer ${i}`,
          ['consume', '--status-interval-ms', '0', '--session-timeout-ms', '6000'],
          config,
          options.parentEnv,
          logFile(`consumer ${i}`),
        ),
      );
    }
    const paceArgs =
      options.pace === undefined
        ? []
        : 'rate' in options.pace
          ? ['--rate', String(options.pace.rate)]
          : ['--speedup', String(options.pace.speedup)];
    const producer = new FlowwatchProcess(
      'producer',
      ['produce', options.file, '--json', '--no-progress', ...paceArgs],
      config,
      options.parentEnv,
      logFile('producer'),
    );
    processes.push(producer);
    say(
      `streaming ${options.file} with ${options.consumers} consumers${paceArgs.length > 0 ? ` (${paceArgs.join(' ')})` : ''}...`,
    );

    const display = new RankingDisplay(config.topic, options);
    const started = performance.now();
    // Connected above; the closure below would not see the `let` narrowed.
    const kafka = admin;
    const view = new StateViewReader(
      new StateReader(redis, config.keyPrefix),
      {
        top: options.top,
        minCount: options.minCount,
        topics: new TopicSet(config.topic).names,
        readTimeoutMs: READ_TIMEOUT_MS,
        progressRequired: true,
      },
      // Told by the watch instead: it rides out a read that fails for a while, then ends with the reason.
      () => undefined,
      { admin: async () => kafka },
    );
    await watchUntilCaughtUp(
      { view, draw: (state) => display.draw(state), producer, processes, signal: stop.signal },
      options,
    );
    display.done();
    const streamedSeconds = (performance.now() - started) / 1000;
    await Promise.all(processes.map((p) => p.stop()));
    processes.length = 0;
    say(
      `streamed and counted in ${streamedSeconds.toFixed(1)} s; ${summariseProducer(producer.lastEvent(ProducerEvents.STOPPED)?.payload as ProduceSummary | undefined)}`,
    );
    say('batch check: recounting the file and comparing with Redis...');
    const report = await verify(config, log, {
      file: options.file,
      partial: false,
      json: false,
      minCount: options.minCount,
    });
    say(formatReport(report, options.minCount));
    say(
      `read the state yourself: ${redisCliCommand(config, `ZREVRANGE ${stateKeys.webservers(config.keyPrefix)} 0 9 WITHSCORES`)}`,
    );
    return verdictExitCode(report);
  } finally {
    stop.dispose();
    // Before Redis may stop: the pages get the final state, the check included, and keep showing it.
    await dashboard?.stop();
    await Promise.all(processes.map((p) => p.stop()));
    await admin?.disconnect();
    redis.disconnect();
    infra.release();
  }
}

function summariseProducer(summary: ProduceSummary | undefined): string {
  if (summary === undefined) return 'producer finished';
  return `producer: ${n(summary.flowsPublished)} flows published, ${n(summary.invalidLines)} invalid lines, ${n(Math.round(summary.flowsPerSecond))} flows/s`;
}

/** A redis-cli command line that reaches the state's Redis, whatever its topology. */
export function redisCliCommand(config: Config, command: string): string {
  const topology = config.redisTopology;
  if (topology.kind === 'sentinel') {
    const sentinel = topology.sentinels[0];
    // The sentinel answers the primary's host and port, which become redis-cli's $1 and $2.
    const ask = `redis-cli -h ${sentinel?.host} -p ${sentinel?.port} SENTINEL get-master-addr-by-name ${topology.name}`;
    return `set -- $(${ask}); redis-cli -h $1 -p $2 ${command}`;
  }
  if (topology.kind === 'cluster') {
    const node = topology.nodes[0];
    // The keys' braces quoted, so no shell expands them.
    const quoted = command
      .split(' ')
      .map((word) => (word.startsWith(config.keyPrefix) ? `'${word}'` : word))
      .join(' ');
    return `redis-cli -c -h ${node?.host} -p ${node?.port} ${quoted}`;
  }
  const url = new URL(config.redisUrl);
  const local = ['localhost', '127.0.0.1'].includes(url.hostname) && (url.port === '' || url.port === '6379');
  return local ? `redis-cli ${command}` : `redis-cli -h ${url.hostname} -p ${url.port || 6379} ${command}`;
}
