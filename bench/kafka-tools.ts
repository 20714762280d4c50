// Apache Kafka's own performance tools, from the same Maven-resolved release as the broker:
// the reference figures our producer and consumer are compared with.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { probe } from './process-probe.ts';

const KAFKA_SCRIPT = fileURLToPath(new URL('../infra/kafka.sh', import.meta.url));

function classpath(): string {
  const libs = execFileSync(KAFKA_SCRIPT, ['jars'], { encoding: 'utf8' }).trim().split('\n').pop() as string;
  return `${libs}/*`;
}

export interface ToolResult {
  readonly recordsPerSecond: number;
  readonly peakRssMb: number;
}

/** ProducerPerformance with our records (one per line of `payloadFile`), acks=all, idempotent. */
export async function producerPerformance(
  brokers: string,
  topic: string,
  records: number,
  payloadFile: string,
): Promise<ToolResult> {
  const result = await probe('java', [
    '-Xmx2g',
    '-cp',
    classpath(),
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--payload-file',
    payloadFile,
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${brokers}`,
    'acks=all',
    'enable.idempotence=true',
  ]).done;
  // The last line: "N records sent, X records/sec (Y MB/sec), ..."
  const match = /([\d.]+) records\/sec/.exec(result.stdout.trim().split('\n').pop() ?? '');
  if (result.code !== 0 || match === null) throw new Error(`ProducerPerformance failed: ${result.stderr.slice(-500)}`);
  return { recordsPerSecond: Number(match[1]), peakRssMb: result.peakRssMb };
}

/** ConsumerPerformance reading `records` messages of `topic` in a fresh group; fetch rate, without the join. */
export async function consumerPerformance(
  brokers: string,
  topic: string,
  records: number,
  group: string,
): Promise<ToolResult> {
  const result = await probe('java', [
    '-Xmx2g',
    '-cp',
    classpath(),
    'org.apache.kafka.tools.ConsumerPerformance',
    '--bootstrap-server',
    brokers,
    '--topic',
    topic,
    '--messages',
    String(records),
    '--group',
    group,
    '--timeout',
    '60000',
  ]).done;
  const lines = result.stdout.trim().split('\n');
  const header = lines.findIndex((line) => line.includes('nMsg.sec'));
  if (result.code !== 0 || header === -1 || lines[header + 1] === undefined) {
    throw new Error(`ConsumerPerformance failed: ${result.stdout.slice(-300)} ${result.stderr.slice(-300)}`);
  }
  const names = (lines[header] as string).split(',').map((name) => name.trim());
  const values = (lines[header + 1] as string).split(',').map((value) => value.trim());
  const column = names.indexOf('fetch.nMsg.sec') === -1 ? names.indexOf('nMsg.sec') : names.indexOf('fetch.nMsg.sec');
  return { recordsPerSecond: Number(values[column]), peakRssMb: result.peakRssMb };
}
