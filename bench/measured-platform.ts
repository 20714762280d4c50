// What a run's figures were measured on: the machine (cores, their model, memory) and the versions
// of Node, Apache Kafka and both Kafka clients, as the results record them beside the figures.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import type { BenchResults } from './results.ts';

export type MeasuredPlatform = Pick<BenchResults, 'machine' | 'versions'>;

/** The platform of this process, read from the system, the installed packages and the pinned Kafka. */
export function measuredPlatform(): MeasuredPlatform {
  return {
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', memoryGb: Math.round(totalmem() / 2 ** 30) },
    versions: {
      node: process.version,
      kafka: kafkaVersion(),
      kafkajs: packageVersion('kafkajs'),
      platformaticKafka: packageVersion('@platformatic/kafka'),
    },
  };
}

function packageVersion(name: string): string {
  const manifest = readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8');
  return (JSON.parse(manifest) as { version: string }).version;
}

/** The Kafka release the brokers run, as infra/pom.xml pins it. */
function kafkaVersion(): string {
  const pom = readFileSync(new URL('../infra/pom.xml', import.meta.url), 'utf8');
  return /<kafka.version>([^<]+)</.exec(pom)?.[1] ?? '?';
}
