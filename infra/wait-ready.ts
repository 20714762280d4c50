// Waits until every Kafka broker infra:up started is in the cluster and Redis answers PING, then says
// where they are.

import { loadConfig, redactUrl } from '../config/index.ts';
import { connectAdmin, createKafka } from '../kafka/index.ts';
import { createLogger, retrying } from '../runtime/index.ts';
import { connectRedis, createRedis } from '../state/index.ts';

const TIMEOUT_MS = 90_000;
// The addresses infra/kafka.sh gives its nodes: node n at KAFKA_PORT + 2(n - 1).
const nodes = Number(process.env.KAFKA_NODES ?? '1');
const firstPort = Number(process.env.KAFKA_PORT ?? (nodes === 1 ? '9092' : '19092'));
const derived = Array.from({ length: nodes }, (_, i) => `127.0.0.1:${firstPort + 2 * i}`).join(',');
const env = { ...process.env, KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? derived };
const config = loadConfig(env);
const log = createLogger('silent');
const deadline = Date.now() + TIMEOUT_MS;

/** Tries the check until it passes or the one deadline, shared by every check, has passed. */
async function until(what: string, check: () => Promise<void>): Promise<void> {
  try {
    await retrying(check, { timeoutMs: deadline - Date.now(), intervalMs: 500 });
  } catch (error) {
    process.stderr.write(
      `flowwatch infra: ${what} did not become ready in ${TIMEOUT_MS / 1000} s: ${(error as Error).message}\n`,
    );
    process.exit(1);
  }
}

await until('Kafka', async () => {
  const admin = await connectAdmin(createKafka(config, log, 'flowwatch-infra', 'quick'), config);
  try {
    const { brokers } = await admin.describeCluster();
    if (brokers.length < nodes) throw new Error(`${brokers.length} of ${nodes} brokers are in the cluster`);
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
if (process.env.KAFKA_BROKERS === undefined && (nodes > 1 || process.env.KAFKA_PORT !== undefined)) {
  process.stdout.write(`flowwatch infra: to use it: export KAFKA_BROKERS=${derived}\n`);
}
