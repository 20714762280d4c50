// Makes sure a Kafka broker and a Redis answer before the tests, starting the local ones through the
// infra scripts if not, and stops at the end only what it started.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connectAdmin, connectRedis, createKafka, createLogger, createRedis, loadConfig } from '../../common/index.ts';

const infra = (script: string) => fileURLToPath(new URL(`../../infra/${script}`, import.meta.url));

async function reachable(): Promise<boolean> {
  const config = loadConfig(process.env);
  try {
    const admin = await connectAdmin(createKafka(config, createLogger('silent'), 'flowwatch-test-setup'), config);
    await admin.disconnect();
    const redis = await connectRedis(createRedis(config), config);
    redis.disconnect();
    return true;
  } catch {
    return false;
  }
}

export default async function setup(): Promise<() => void> {
  if (await reachable()) return () => {};
  execFileSync(infra('up.sh'), { stdio: 'inherit' });
  return () => {
    execFileSync(infra('down.sh'), { stdio: 'inherit' });
  };
}
