// Waits until the Kafka broker answers a metadata request and Redis answers PING, then says where they are.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  connectAdmin,
  connectRedis,
  createKafka,
  createLogger,
  createRedis,
  loadConfig,
  redactUrl,
} from '../common/index.ts';

const TIMEOUT_MS = 90_000;
const env = {
  ...process.env,
  KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`,
};
const config = loadConfig(env);
const log = createLogger('silent');
const deadline = Date.now() + TIMEOUT_MS;

async function until(what: string, check: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        process.stderr.write(
          `flowwatch infra: ${what} did not become ready in ${TIMEOUT_MS / 1000} s: ${(error as Error).message}\n`,
        );
        process.exit(1);
      }
      await sleep(500);
    }
  }
}

await until('Kafka', async () => {
  const admin = await connectAdmin(createKafka(config, log, 'flowwatch-infra', 'quick'), config);
  try {
    await admin.describeCluster();
  } finally {
    await admin.disconnect();
  }
});
await until('Redis', async () => {
  const redis = await connectRedis(createRedis(config), config);
  redis.disconnect();
});
process.stdout.write(
  `flowwatch infra: ready: Kafka at ${config.kafkaBrokers.join(',')}, Redis at ${redactUrl(config.redisUrl)}\n`,
);
