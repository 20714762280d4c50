// Finds, in each partition of the flow topic and of its dead-letter topic, the last message of one
// source name: each partition is read backwards from its end in windows (the last 4,096 messages,
// then the 8,192 before them, ...) until a message of the name turns up or the partition's start is
// reached. A re-run of the source that wrote last finds it in the first window; a source followed by
// others is found behind them.
//
// kafkajs 2.2.4 reads only through a consumer group: a throwaway group of one member is joined,
// positioned with `seek`, and deleted afterwards. Its offsets are never committed.
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { Header, headerText, RejectedBy } from '../flow/index.ts';
import { kafkaRetriable } from '../kafka/index.ts';
import { type Logger, retrying } from '../runtime/index.ts';
import { lineOfHeader, type SourceTail } from './resume-point.ts';

const FIRST_WINDOW = 4096;
const LARGEST_WINDOW = 1 << 20;
const FETCH_WAIT_MS = 100;
/** How long a partition may be without a leader (a broker died) before the ends are given up on. */
const ENDS_PATIENCE_MS = 60_000;
/** How long the whole read may take, group coordinator moves included, before it is given up on. */
const SCAN_PATIENCE_MS = 180_000;
const ENDS_RETRY_MS = 1000;

interface PartitionScan {
  readonly topic: string;
  readonly partition: number;
  /** First offset still in the log. */
  readonly low: number;
  /** The window being read: [start, end). */
  start: number;
  end: number;
  size: number;
  found: SourceTail | undefined;
  done: boolean;
}

/**
 * Per topic, per partition: the name's last message, or undefined if the partition holds none.
 * Messages a consumer dead-lettered (copies of unreadable messages, headers and all) do not count, nor
 * do messages whose `line` header is not a line number (see lineOfHeader).
 */
export async function findSourceTails(
  kafka: Kafka,
  topics: readonly string[],
  source: string,
  log: Logger,
): Promise<Map<string, (SourceTail | undefined)[]>> {
  const tails = new Map<string, (SourceTail | undefined)[]>();
  const scans: PartitionScan[] = [];
  for (const topic of topics) {
    const offsets = await partitionOffsets(kafka, topic, log);
    const list: (SourceTail | undefined)[] = new Array(offsets.length).fill(undefined);
    tails.set(topic, list);
    for (const { partition, low, high } of offsets) {
      const [first, end] = [Number(low), Number(high)];
      if (end <= first) continue;
      const size = FIRST_WINDOW;
      scans.push({
        topic,
        partition,
        low: first,
        start: Math.max(first, end - size),
        end,
        size,
        found: undefined,
        done: false,
      });
    }
  }
  if (scans.length === 0) return tails;

  const started = performance.now();
  const groupId = `flowwatch-resume-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: FETCH_WAIT_MS, allowAutoTopicCreation: false });
  const byPartition = new Map(scans.map((scan) => [`${scan.topic}/${scan.partition}`, scan]));
  let finish: () => void = () => {};
  let fail: (error: unknown) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // A crash can come before `finished` is awaited (while joining): it is awaited below, not lost.
  finished.catch(() => {});
  const patience = setTimeout(() => fail(new Error(`no answer within ${SCAN_PATIENCE_MS / 1000} s`)), SCAN_PATIENCE_MS);
  let windowsRead = 0;
  // Messages of the name whose `line` header is no line number: another program's, passed over.
  let notLineNumbered = 0;

  const completeIfDone = () => {
    if (scans.every((scan) => scan.done)) finish();
  };

  try {
    await consumer.connect();
    // kafkajs restarts a consumer after a retriable crash (the group's coordinator moved to a broker
    // still loading it): the restarted one has joined afresh and forgotten the seeks, so every join
    // places each partition still being read at its window again.
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) fail(payload.error);
    });
    consumer.on(consumer.events.GROUP_JOIN, () => {
      for (const scan of scans) {
        if (!scan.done) consumer.seek({ topic: scan.topic, partition: scan.partition, offset: String(scan.start) });
      }
    });
    // Start from the end: nothing is delivered before the seeks on joining place each partition.
    await consumer.subscribe({ topics: [...topics], fromBeginning: false });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, isStale }) => {
        const scan = byPartition.get(`${batch.topic}/${batch.partition}`);
        if (scan === undefined || scan.done || isStale()) return;
        let windowRead = Number(batch.lastOffset()) >= scan.end - 1;
        for (const message of batch.messages) {
          const offset = Number(message.offset);
          if (offset < scan.start) continue;
          if (offset >= scan.end) {
            windowRead = true;
            break;
          }
          // The window is read forwards: the last match in it is the partition's last of the name.
          if (!isOfSource(message, source)) continue;
          const line = lineOfHeader(headerText(message.headers, Header.line));
          if (line === undefined) {
            notLineNumbered++;
            continue;
          }
          scan.found = { sourceId: headerText(message.headers, Header.sourceId), line };
        }
        if (!windowRead) return;
        windowsRead++;
        if (scan.found !== undefined || scan.start <= scan.low) {
          scan.done = true;
          consumer.pause([{ topic: scan.topic, partitions: [scan.partition] }]);
          completeIfDone();
          return;
        }
        scan.size = Math.min(2 * scan.size, LARGEST_WINDOW);
        scan.end = scan.start;
        scan.start = Math.max(scan.low, scan.end - scan.size);
        consumer.seek({ topic: scan.topic, partition: scan.partition, offset: String(scan.start) });
      },
    });
    await finished;
  } finally {
    clearTimeout(patience);
    await consumer.disconnect().catch(() => undefined);
    await deleteGroup(kafka, groupId);
  }

  for (const scan of scans) (tails.get(scan.topic) as (SourceTail | undefined)[])[scan.partition] = scan.found;
  if (notLineNumbered > 0) {
    log.warn(
      { source, messages: notLineNumbered },
      'passed over messages of this source name whose line header is not a line number: not written by flowwatch',
    );
  }
  log.debug(
    { source, partitions: scans.length, windowsRead, seconds: (performance.now() - started) / 1000 },
    'read where the source stops in each partition',
  );
  return tails;
}

function isOfSource(message: KafkaMessage, source: string): boolean {
  return (
    headerText(message.headers, Header.source) === source &&
    headerText(message.headers, Header.rejectedBy) !== RejectedBy.message
  );
}

/**
 * Low and high offsets of each partition. kafkajs' admin gives up when a partition's leader has
 * moved and keeps its old metadata, so each attempt is made with a fresh admin, which looks the
 * leaders up again, while a broker's death is being dealt with. A leader elected moments ago answers
 * only once its high watermark covers all its predecessor had committed (KIP-207), so the writes of
 * a producer killed during a failover are within these ends.
 */
function partitionOffsets(kafka: Kafka, topic: string, log: Logger) {
  const ask = async () => {
    const admin = kafka.admin();
    try {
      await admin.connect();
      return await admin.fetchTopicOffsets(topic);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  };
  return retrying(ask, {
    timeoutMs: ENDS_PATIENCE_MS,
    intervalMs: ENDS_RETRY_MS,
    retriable: kafkaRetriable,
    onRetry: (error) => log.info({ topic, err: error }, 'the topic has a partition without a leader: waiting for one'),
  });
}

async function deleteGroup(kafka: Kafka, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // An empty group without offsets expires by itself; deleting it is only tidiness.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
