// The consumer's ceiling: a bare kafkajs loop over the same topic with the same fetch settings and
// concurrency as `flowwatch consume`, which only decodes each message's key and value (no Redis, no
// offsets kept). Whatever the exactly-once consumer does on top costs the difference. Run as a child
// process, it prints one JSON line.
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { perSecond } from '../display/index.ts';
import { NODE_MEMORY_FLAGS } from '../runtime/index.ts';
import { probe } from './process-probe.ts';

/** A topic that never holds `records` messages must not keep the benchmark waiting for ever. */
const READ_TIMEOUT_MS = 10 * 60_000;

export interface CeilingResult {
  readonly recordsPerSecond: number;
  readonly peakRssMb: number;
}

/** Reads `records` messages of `topic` from the start in a fresh group `group`, in a child process. */
export async function kafkajsLoopRate(
  brokers: string,
  topic: string,
  group: string,
  records: number,
): Promise<CeilingResult> {
  const script = fileURLToPath(import.meta.url);
  const result = await probe(process.execPath, [...NODE_MEMORY_FLAGS, script, brokers, topic, group, String(records)])
    .done;
  if (result.code !== 0) throw new Error(`bare kafkajs loop exited ${result.code}: ${result.stderr.slice(-800)}`);
  const summary = JSON.parse(result.stdout.trim().split('\n').pop() as string) as { recordsPerSecond: number };
  return { recordsPerSecond: summary.recordsPerSecond, peakRssMb: result.peakRssMb };
}

async function readTopic(brokers: string, topic: string, group: string, records: number): Promise<number> {
  const kafka = new Kafka({
    clientId: 'flowwatch-bench-ceiling',
    brokers: brokers.split(','),
    logLevel: logLevel.ERROR,
  });
  // The fetch settings and concurrency of flowwatch's group member (consumer/group-member.ts).
  const consumer = kafka.consumer({
    groupId: group,
    allowAutoTopicCreation: false,
    maxBytesPerPartition: 1024 * 1024,
    maxBytes: 4 * 1024 * 1024,
    maxWaitTimeInMs: 200,
  });
  let started: number | undefined;
  let seen = 0;
  let decodedBytes = 0;
  let finish: (elapsedMs: number) => void = () => {};
  const finished = new Promise<number>((resolve) => {
    finish = resolve;
  });
  // Timed from the group's join, as flowwatch's consumer is timed from its partitions' claim.
  consumer.on(consumer.events.GROUP_JOIN, () => {
    started ??= performance.now();
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          decodedBytes += (message.key?.toString().length ?? 0) + (message.value?.length ?? 0);
        }
        seen += batch.messages.length;
        if (seen >= records) finish(performance.now() - (started ?? performance.now()));
      },
    });
    const elapsedMs = await Promise.race([
      finished,
      sleep(READ_TIMEOUT_MS, undefined, { ref: false }).then(() => {
        throw new Error(`read ${seen} of ${records} messages in ${READ_TIMEOUT_MS / 1000} s`);
      }),
    ]);
    if (decodedBytes === 0) throw new Error('the loop decoded nothing');
    return perSecond(seen, elapsedMs);
  } finally {
    await consumer.disconnect();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [brokers, topic, group, records] = process.argv.slice(2);
  if (brokers === undefined || topic === undefined || group === undefined || records === undefined) {
    process.stderr.write('usage: node bench/kafkajs-ceiling.ts <brokers> <topic> <group> <records>\n');
    process.exit(2);
  }
  const recordsPerSecond = await readTopic(brokers, topic, group, Number(records));
  process.stdout.write(`${JSON.stringify({ recordsPerSecond })}\n`);
}
