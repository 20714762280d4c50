// Makes sure a broker and a Redis answer, starting the local ones through the infra scripts if not;
// `release` stops only what was started here.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';
import { ErrorCode, FlowwatchError } from './errors.ts';
import { connectAdmin, createKafka } from './kafka-client.ts';
import { createLogger } from './logger.ts';
import { connectRedis, createRedis } from './redis-client.ts';

const script = (name: string) => fileURLToPath(new URL(`../infra/${name}`, import.meta.url));

export interface InfraGuard {
  readonly started: boolean;
  release(): void;
}

async function answers(config: Config): Promise<boolean> {
  try {
    const admin = await connectAdmin(
      createKafka(config, createLogger('silent'), 'flowwatch-infra-check', 'quick'),
      config,
    );
    await admin.disconnect();
    const redis = await connectRedis(createRedis(config), config);
    redis.disconnect();
    return true;
  } catch {
    return false;
  }
}

export async function ensureInfra(config: Config, say: (line: string) => void): Promise<InfraGuard> {
  if (await answers(config)) return { started: false, release: () => {} };
  say('no Kafka or Redis answers: starting the local ones (npm run infra:up)');
  try {
    execFileSync(script('up.sh'), { stdio: ['ignore', 'inherit', 'inherit'] });
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
      execFileSync(script('down.sh'), { stdio: ['ignore', 'inherit', 'inherit'] });
    },
  };
}
