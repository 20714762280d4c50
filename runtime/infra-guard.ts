// Makes sure a broker and a Redis answer, starting the local ones through the infra scripts if not;
// `release` stops only what was started here.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/index.ts';
import { connectAdmin, createKafka } from '../kafka/index.ts';
import { connectRedis, createRedis, describeRedis } from '../state/index.ts';
import { ErrorCode, FlowwatchError } from './errors.ts';
import type { Environment } from './flowwatch-process.ts';
import { createLogger } from './logger.ts';

const script = (name: string) => fileURLToPath(new URL(`../infra/${name}`, import.meta.url));

export interface InfraGuard {
  readonly started: boolean;
  release(): void;
}

/** Whether each answers; a server that answered and refused the login or the certificate is thrown. */
async function answering(config: Config): Promise<{ kafka: boolean; redis: boolean }> {
  const refused = (error: unknown) => {
    // Something answered and refused: starting local servers cannot help.
    if (error instanceof FlowwatchError && !error.retriable) throw error;
    return false;
  };
  const kafka = await connectAdmin(
    createKafka(config, createLogger('silent'), 'flowwatch-infra-check', 'quick'),
    config,
  )
    .then((admin) => admin.disconnect())
    .then(() => true, refused);
  const redis = await connectRedis(createRedis(config), config)
    .then((client) => client.disconnect())
    .then(() => true, refused);
  return { kafka, redis };
}

/** `parentEnv`: the entry's environment, which the infra scripts are run with (KAFKA_NODES, FLOWWATCH_RUN_DIR...). */
export async function ensureInfra(
  config: Config,
  say: (line: string) => void,
  parentEnv: Environment,
): Promise<InfraGuard> {
  const up = await answering(config);
  if (up.kafka && up.redis) return { started: false, release: () => {} };
  if (!up.redis && config.redisTopology.kind !== 'single') {
    // The local set-up started here is one Redis; sentinels or a cluster are the user's to start.
    throw new FlowwatchError(
      ErrorCode.REDIS_UNREACHABLE,
      `no Redis answers at ${describeRedis(config)} (REDIS_SETUP=${config.redisTopology.kind} npm run infra:up starts a local one)`,
    );
  }
  say('no Kafka or Redis answers: starting the local ones (npm run infra:up)');
  // Named explicitly, so that down.sh stops the Kafka started here and not every one infra:up recorded.
  const env = { ...parentEnv, KAFKA_NODES: parentEnv.KAFKA_NODES ?? '1' };
  try {
    execFileSync(script('up.sh'), { env, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch (error) {
    throw new FlowwatchError(ErrorCode.INFRA_FAILED, 'the local Kafka/Redis did not start (see the lines above)', {
      cause: error,
    });
  }
  let released = false;
  return {
    started: true,
    release: () => {
      if (released) return;
      released = true;
      say('stopping the local Kafka/Redis started for this run (npm run infra:down)');
      execFileSync(script('down.sh'), { env, stdio: ['ignore', 'inherit', 'inherit'] });
    },
  };
}
