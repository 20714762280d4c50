// Makes sure a Kafka broker and a Redis answer before the tests, starting the local ones through the
// infra scripts if not, and stops at the end only what it started.
import { ensureInfra, loadConfig } from '../../common/index.ts';

export default async function setup(): Promise<() => void> {
  const guard = await ensureInfra(loadConfig(process.env), (line) => process.stdout.write(`${line}\n`));
  return () => guard.release();
}
