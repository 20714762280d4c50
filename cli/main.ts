// The `flowwatch` command line: parses arguments, loads the configuration once, runs a command, and
// turns every error into one plain sentence and an exit code, here and nowhere else.
import { fileURLToPath } from 'node:url';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  type Config,
  type ConfigSource,
  connectRedis,
  createLogger,
  createRedis,
  FlowwatchError,
  formatRanking,
  loadConfig,
  readHourRanking,
  readRanking,
} from '../common/index.ts';
import { DEFAULT_LATENESS_SECONDS, runConsume } from '../consumer/index.ts';
import { runDashboard } from '../dashboard/index.ts';
import { runProduce } from '../producer/index.ts';
import { runVerify } from '../verify/index.ts';
import { runWalkthrough } from '../walkthrough/index.ts';

export const SAMPLE_FILE = fileURLToPath(new URL('../data/sample-flows.csv.gz', import.meta.url));

/** The walkthrough's default pace: the sample streams for a few seconds, long enough to watch. */
const DEFAULT_WALKTHROUGH_RATE = 25_000;

/** Exit code when a command could not do its job (bad input, nothing answering). */
const EXIT_FAILED = 2;

const integer = (min: number) => (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`must be an integer >= ${min}`);
  return n;
};
const positiveNumber = (value: string) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a number > 0');
  return n;
};

const port = (value: string) => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65_535) throw new InvalidArgumentError('must be a port 0..65535');
  return n;
};

interface GlobalFlags {
  brokers?: string;
  redisUrl?: string;
  topic?: string;
  group?: string;
  prefix?: string;
  logLevel?: string;
}

function configFrom(program: Command): Config {
  const flags = program.opts<GlobalFlags>();
  const overrides: ConfigSource = {
    KAFKA_BROKERS: flags.brokers,
    REDIS_URL: flags.redisUrl,
    FLOWWATCH_TOPIC: flags.topic,
    FLOWWATCH_GROUP: flags.group,
    FLOWWATCH_KEY_PREFIX: flags.prefix,
    LOG_LEVEL: flags.logLevel,
  };
  return loadConfig(process.env, overrides);
}

export function buildProgram(): Command {
  const program = new Command('flowwatch')
    .description(
      'Which devices are web servers? Stream netflow through Kafka, count port-80 flows per device exactly once in Redis, and check the stream against the batch answer.',
    )
    .option('--brokers <list>', 'Kafka brokers, comma-separated (env KAFKA_BROKERS, default localhost:9092)')
    .option('--redis-url <url>', 'Redis URL (env REDIS_URL, default redis://localhost:6379)')
    .option('--topic <name>', 'flow topic (env FLOWWATCH_TOPIC, default flows)')
    .option('--group <name>', 'consumer group (env FLOWWATCH_GROUP, default webserver-counter)')
    .option('--prefix <prefix>', 'Redis key prefix (env FLOWWATCH_KEY_PREFIX, default flowwatch)')
    .option('--log-level <level>', 'trace|debug|info|warn|error|silent (env LOG_LEVEL, default info)')
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('produce')
    .description(
      'publish a flow file (plain or gzip; - for stdin) to the topic, one message per valid flow; invalid lines go to <topic>.invalid',
    )
    .argument('[file]', 'flow file, or - for standard input', SAMPLE_FILE)
    .addOption(new Option('--rate <n>', 'publish n flows per second').argParser(positiveNumber).conflicts('speedup'))
    .addOption(
      new Option('--speedup <x>', 'replay by the Time column, x times faster than real time').argParser(positiveNumber),
    )
    .option('--partitions <n>', 'partitions of the topic when it is created', integer(1), 4)
    .option('--batch-size <n>', 'messages per send request', integer(1), 8000)
    .option('--json', 'print the summary as one JSON object')
    .option('--no-progress', 'no live progress line, even on a terminal')
    .action(
      async (
        file: string,
        flags: {
          rate?: number;
          speedup?: number;
          partitions: number;
          batchSize: number;
          json?: boolean;
          progress: boolean;
        },
      ) => {
        const config = configFrom(program);
        const log = createLogger(config.logLevel);
        const pace =
          flags.rate !== undefined
            ? { rate: flags.rate }
            : flags.speedup !== undefined
              ? { speedup: flags.speedup }
              : undefined;
        const summary = await runProduce(config, log, {
          file,
          partitions: flags.partitions,
          batchSize: flags.batchSize,
          pace,
          json: flags.json === true,
          progress: flags.progress && process.stderr.isTTY === true,
        });
        process.exitCode = summary.complete ? 0 : 130;
      },
    );

  program
    .command('consume')
    .description('run one member of the consumer group: count web requests per device in Redis, exactly once')
    .option('--exit-when-caught-up', 'exit 0 once every partition is applied up to its end offset')
    .option('--session-timeout-ms <ms>', 'a member silent this long loses its partitions', integer(6000), 10_000)
    .option('--concurrency <n>', 'partition batches processed at once', integer(1), 4)
    .option(
      '--allowed-lateness <seconds>',
      'event-time seconds an hour stays open behind the slowest partition; later flows count as late',
      integer(0),
      DEFAULT_LATENESS_SECONDS,
    )
    .option('--status-interval-ms <ms>', 'how often to show the top web servers and lag (0: never)', integer(0), 3000)
    .option('-n, --top <n>', 'rows of the status table', integer(1), 10)
    .action(
      async (flags: {
        exitWhenCaughtUp?: boolean;
        sessionTimeoutMs: number;
        concurrency: number;
        allowedLateness: number;
        statusIntervalMs: number;
        top: number;
      }) => {
        const config = configFrom(program);
        await runConsume(config, createLogger(config.logLevel), {
          exitWhenCaughtUp: flags.exitWhenCaughtUp === true,
          sessionTimeoutMs: flags.sessionTimeoutMs,
          partitionsConcurrently: flags.concurrency,
          latenessSeconds: flags.allowedLateness,
          statusIntervalMs: flags.statusIntervalMs,
          top: flags.top,
          terminal: process.stdout.isTTY === true,
        });
      },
    );

  program
    .command('verify')
    .description(
      'batch job: recompute the counts from the file and compare with Redis; exit 0 if identical, 1 if not, 2 if it could not compare',
    )
    .argument('[file]', 'flow file, or - for standard input', SAMPLE_FILE)
    .option('--partial', 'compare even if the consumers have not caught up, and say how far along they are')
    .option('--min-count <k>', 'call devices with at least k web requests likely web servers', integer(1), 10)
    .option('--json', 'print the report as one JSON object')
    .action(async (file: string, flags: { partial?: boolean; minCount: number; json?: boolean }) => {
      const config = configFrom(program);
      process.exitCode = await runVerify(config, createLogger(config.logLevel), {
        file,
        partial: flags.partial === true,
        json: flags.json === true,
        minCount: flags.minCount,
      });
    });

  program
    .command('top')
    .description('the current ranking of web servers from Redis (all time, or one event-time hour)')
    .option('-n <n>', 'how many devices', integer(1), 10)
    .option(
      '--min-count <k>',
      'only devices with at least k web requests (seen repeatedly: likely web servers)',
      integer(0),
      1,
    )
    .option(
      '--hour <h>',
      'one event-time hour: H = floor(Time / 3600), so hour 33 holds Time 118800..122399',
      integer(0),
    )
    .option('--json', 'print the ranking as JSON')
    .action(async (flags: { n: number; minCount: number; hour?: number; json?: boolean }) => {
      const config = configFrom(program);
      const redis = await connectRedis(createRedis(config), config);
      try {
        const ranking =
          flags.hour === undefined
            ? await readRanking(redis, config.keyPrefix, flags.n, flags.minCount)
            : await readHourRanking(redis, config.keyPrefix, flags.hour, flags.n, flags.minCount);
        process.stdout.write(flags.json ? `${JSON.stringify(ranking)}\n` : `${formatRanking(ranking)}\n`);
      } finally {
        redis.disconnect();
      }
    });

  program
    .command('dashboard')
    .description(
      'a live web page of the state: top web servers, flows/s, lag, watermark, hourly counts and the last batch check (reads Redis, changes nothing)',
    )
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port to listen on (0: any free port)', port, 8080)
    .option('-n, --top <n>', 'devices in the bar chart', integer(1), 10)
    .option('--min-count <k>', 'the line drawn on the bar chart: likely web servers have at least k', integer(0), 10)
    .option('--interval-ms <ms>', 'how often the page is updated', integer(100), 1000)
    .action(async (flags: { host: string; port: number; top: number; minCount: number; intervalMs: number }) => {
      const config = configFrom(program);
      await runDashboard(config, createLogger(config.logLevel), flags);
    });

  program
    .command('walkthrough')
    .description(
      'the whole walkthrough (npm start): start Kafka/Redis if needed, reset a fresh run, stream the file through N consumers while showing the ranking, then run the batch check; exit 0 iff stream and batch agree',
    )
    .argument('[file]', 'flow file (plain or gzip), e.g. a real LANL day', SAMPLE_FILE)
    .option('--consumers <n>', 'members of the consumer group', integer(1), 2)
    .option('--partitions <n>', 'partitions of the fresh topic', integer(1), 4)
    .addOption(
      new Option('--rate <n>', 'publish n flows per second (default: 25000, a few seconds for the sample)')
        .argParser(positiveNumber)
        .conflicts(['speedup', 'maxSpeed']),
    )
    .addOption(
      new Option('--speedup <x>', 'replay by event time, x times faster than real time (3600: an hour a second)')
        .argParser(positiveNumber)
        .conflicts('maxSpeed'),
    )
    .option('--max-speed', 'publish as fast as the broker takes it')
    .option('-n, --top <n>', 'rows of the live ranking', integer(1), 10)
    .option('--min-count <k>', 'devices with at least k web requests count as likely web servers', integer(1), 10)
    .option('--dashboard-port <port>', 'port of the live dashboard (taken: any free port)', port, 8080)
    .action(
      async (
        file: string,
        flags: {
          consumers: number;
          partitions: number;
          rate?: number;
          speedup?: number;
          maxSpeed?: boolean;
          top: number;
          minCount: number;
          dashboardPort: number;
        },
      ) => {
        const config = configFrom(program);
        const pace = flags.maxSpeed
          ? undefined
          : flags.speedup !== undefined
            ? { speedup: flags.speedup }
            : { rate: flags.rate ?? DEFAULT_WALKTHROUGH_RATE };
        process.exitCode = await runWalkthrough(config, createLogger(config.logLevel), {
          file,
          consumers: flags.consumers,
          partitions: flags.partitions,
          pace,
          top: flags.top,
          minCount: flags.minCount,
          terminal: process.stdout.isTTY === true,
          refreshMs: 250,
          catchUpTimeoutMs: 120_000,
          dashboardPort: flags.dashboardPort,
        });
      },
    );

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    return reportError(error);
  }
}

function reportError(error: unknown): number {
  const debug = process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace';
  if (error instanceof FlowwatchError) {
    process.stderr.write(`flowwatch: ${error.message}\n`);
  } else {
    process.stderr.write(
      `flowwatch: unexpected error: ${error instanceof Error ? error.message : String(error)} (LOG_LEVEL=debug shows details)\n`,
    );
  }
  if (debug && error instanceof Error) process.stderr.write(`${error.stack ?? ''}\n`);
  return EXIT_FAILED;
}
