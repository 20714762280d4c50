// Before the tests: installs the Debian packages they need when missing (Chromium for the browser
// test, Prometheus for the metrics tests, redis-sentinel for the Sentinel set-ups), and makes sure a
// Kafka broker and a Redis answer, starting the local ones through the infra scripts if not; at the
// end stops only what it started.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../config/index.ts';
import { ensureInfra } from '../../runtime/infra-guard.ts';

const SYSTEM_PACKAGES = ['chromium', 'prometheus', 'redis-server', 'redis-sentinel', 'openssl'];

export default async function setup(): Promise<() => void> {
  const script = fileURLToPath(new URL('../../infra/system-packages.sh', import.meta.url));
  try {
    execFileSync(script, SYSTEM_PACKAGES, { stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    // The script said why in one sentence.
    throw new Error('the test prerequisites could not be installed (see the line above)');
  }
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const guard = await ensureInfra(loadConfig(process.env), say, process.env);
  return () => guard.release();
}
