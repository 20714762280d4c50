// A peer client for the producer: the same records as `flowwatch produce` (valid flows, key =
// DstDevice, the line as value, headers source, line and source-id), idempotent with acks=all, produced by
// @platformatic/kafka instead of kafkajs. Run as a child process, it prints one JSON line.
import { fileURLToPath } from 'node:url';
import {
  compatibilityPartitioner,
  type MessageToProduce,
  ProduceAcks,
  Producer,
  stringSerializer,
} from '@platformatic/kafka';
import { perSecond } from '../display/index.ts';
import { FlowScanner, flowMessage, formatSourceId, openFlowInput } from '../flow/index.ts';
import { NODE_MEMORY_FLAGS } from '../runtime/index.ts';
import { probe } from './process-probe.ts';

/** Messages per send, as `flowwatch produce` sends by default. */
const BATCH_SIZE = 8000;

type FlowRecord = MessageToProduce<string, Buffer, string, string>;

export interface PeerResult {
  readonly recordsPerSecond: number;
  readonly peakRssMb: number;
}

/** Produces every valid flow of `file` to `topic` (which must exist) in a child process of its own. */
export async function platformaticProducerRate(brokers: string, topic: string, file: string): Promise<PeerResult> {
  const script = fileURLToPath(import.meta.url);
  const result = await probe(process.execPath, [...NODE_MEMORY_FLAGS, script, brokers, topic, file]).done;
  if (result.code !== 0) {
    throw new Error(`@platformatic/kafka peer exited ${result.code}: ${result.stderr.slice(-800)}`);
  }
  const summary = JSON.parse(result.stdout.trim().split('\n').pop() as string) as { recordsPerSecond: number };
  return { recordsPerSecond: summary.recordsPerSecond, peakRssMb: result.peakRssMb };
}

async function produceFile(
  brokers: string,
  topic: string,
  file: string,
): Promise<{ records: number; seconds: number }> {
  // Idempotence makes the client force acks=all and one request in flight per broker; the Java-style
  // partitioner puts each key on the partition kafkajs and ProducerPerformance would choose.
  const producer = new Producer<string, Buffer, string, string>({
    clientId: 'flowwatch-bench-platformatic',
    bootstrapBrokers: brokers.split(','),
    idempotent: true,
    acks: ProduceAcks.ALL,
    autocreateTopics: false,
    partitioner: compatibilityPartitioner,
    serializers: { key: stringSerializer, headerKey: stringSerializer, headerValue: stringSerializer },
  });
  try {
    // Connect, read the topic's metadata and get a producer id before the clock starts, as our
    // producer's figure is taken after connecting.
    await producer.metadata({ topics: [topic] });
    await producer.initIdempotentProducer({});

    const input = await openFlowInput(file);
    // The same headers as flowwatch's own records, the stream's identity included.
    const sourceId = formatSourceId({ fingerprint: await input.fingerprint(), stream: 1 });
    let batch: FlowRecord[] = [];
    const full: FlowRecord[][] = [];
    let records = 0;
    let inFlight: Promise<unknown> | undefined;
    let started: number | undefined;
    const scanner = new FlowScanner({
      flow: (fields, line, lineNumber) => {
        // flowMessage is the topic's schema (kafkajs-typed): its key is a string, its value a Buffer
        // and its headers strings.
        const message = flowMessage(fields, line, input.source, lineNumber, sourceId);
        batch.push({
          topic,
          key: message.key as string,
          value: message.value as Buffer,
          headers: message.headers as Record<string, string>,
        });
        if (batch.length === BATCH_SIZE) {
          full.push(batch);
          batch = [];
        }
      },
      invalid: () => {},
      skipped: () => {},
    });
    // One send in flight, the next batch scanned meanwhile, as `flowwatch produce` does.
    const send = async (messages: FlowRecord[]) => {
      records += messages.length;
      await inFlight;
      started ??= performance.now();
      inFlight = producer.send({ messages });
    };
    for await (const chunk of input.chunks()) {
      scanner.push(chunk);
      for (const messages of full.splice(0)) await send(messages);
    }
    scanner.end();
    for (const messages of full.splice(0)) await send(messages);
    if (batch.length > 0) await send(batch);
    await inFlight;
    return { records, seconds: started === undefined ? 0 : (performance.now() - started) / 1000 };
  } finally {
    await producer.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [brokers, topic, file] = process.argv.slice(2);
  if (brokers === undefined || topic === undefined || file === undefined) {
    process.stderr.write('usage: node bench/platformatic-peer.ts <brokers> <topic> <file>\n');
    process.exit(2);
  }
  const { records, seconds } = await produceFile(brokers, topic, file);
  process.stdout.write(
    `${JSON.stringify({ records, seconds, recordsPerSecond: perSecond(records, seconds * 1000) })}\n`,
  );
}
