// Creates the flow topic and its dead-letter topic when missing, replicated as asked or as the brokers'
// default; an existing topic is used as it is, unless it has fewer replicas than asked (a broker down
// does not count against it).
import kafkajs, { type Admin } from 'kafkajs';
import type { Logger } from '../runtime/index.ts';
import { ErrorCode, FlowwatchError, isFlowwatchError, retrying } from '../runtime/index.ts';
import { kafkaRetriable } from './kafka-retriable.ts';
import { creationVerdict, existingTopicVerdict, type ReplicationVerdict } from './topic-replication.ts';
import { TopicSet } from './topic-set.ts';

export const DEFAULT_PARTITIONS = 4;

const DEFAULT_REPLICATION_ROUNDS = 4;
const DEFAULT_REPLICATION_PAUSE_MS = 500;
const METADATA_PATIENCE_MS = 30_000;
const METADATA_RETRY_MS = 200;
/** How long a command's set-up waits for brokers that fail it (a broker just died), and how often it tries. */
const SETUP_PATIENCE_MS = 60_000;
const SETUP_RETRY_MS = 1000;

export interface TopicLayout {
  /** Partitions of a topic created here. */
  readonly partitions?: number;
  /** Replicas of every partition; the brokers' `default.replication.factor` when not given. */
  readonly replicationFactor?: number;
}

/** Partition counts of the flow topic and of its dead-letter topic. */
export interface TopicPartitions {
  readonly flows: number;
  readonly deadLetters: number;
}

/**
 * Makes sure the topic and its dead-letter topic exist with enough replicas. An existing topic is
 * judged by its own replicas, so a broker down (its partitions led by another replica) is only
 * warned of; a topic to be created needs as many brokers answering as replicas asked.
 */
export async function ensureTopics(
  admin: Admin,
  topic: string,
  layout: TopicLayout = {},
  log?: Logger,
): Promise<TopicPartitions> {
  const topics = new TopicSet(topic);
  const names = [...topics.names];
  const replicas = layout.replicationFactor ?? (await brokerDefaultReplication(admin));
  const existing = new Set(await admin.listTopics());
  const missing = names.filter((name) => !existing.has(name));
  if (missing.length > 0) {
    const { brokers } = await admin.describeCluster();
    refuseUnlessFine(creationVerdict(replicas, brokers.length));
    try {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((name) => ({
          topic: name,
          numPartitions: layout.partitions ?? DEFAULT_PARTITIONS,
          replicationFactor: replicas,
        })),
      });
    } catch (error) {
      // Another member or producer created it in the meantime, or the brokers were slow to name its
      // leaders (a cluster under load): either way it is waited for and checked below.
      if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS' && !kafkaRetriable(error)) throw error;
    }
  }
  const metadata = await metadataOnceKnown(admin, names);
  const answering = (await admin.describeCluster()).brokers.map((broker) => broker.nodeId);
  for (const described of metadata.topics) {
    const verdict = existingTopicVerdict(described, replicas, answering);
    refuseUnlessFine(verdict);
    if (verdict.kind === 'fine' && verdict.warning !== undefined) log?.warn(verdict.warning);
  }
  const count = (name: string) => metadata.topics.find((t) => t.name === name)?.partitions.length ?? 0;
  return { flows: count(topics.flows), deadLetters: count(topics.deadLetters) };
}

function refuseUnlessFine(verdict: ReplicationVerdict): void {
  if (verdict.kind === 'refused') throw new FlowwatchError(ErrorCode.KAFKA_TOPIC_LAYOUT, verdict.reason);
}

/**
 * The topics' metadata once every broker asked knows them: on a cluster a topic just created (here or
 * by another member starting at the same moment) reaches the other brokers a little later, and until
 * then they answer "does not host this topic-partition".
 */
function metadataOnceKnown(admin: Admin, topics: string[]) {
  return retrying(() => admin.fetchTopicMetadata({ topics }), {
    timeoutMs: METADATA_PATIENCE_MS,
    intervalMs: METADATA_RETRY_MS,
    retriable: kafkaRetriable,
  });
}

/**
 * The replication factor the brokers give a topic created without one. kafkajs sends the request by
 * way of the controller the metadata names, which on KRaft is any broker it takes for alive: one that
 * died moments ago still counts until the controller notices (seconds), and a connection refused is
 * not retried. So each broker is asked in turn, a few rounds, before giving up.
 */
export async function brokerDefaultReplication(admin: Admin): Promise<number> {
  const { controller, brokers } = await admin.describeCluster();
  const nodeIds = brokers
    .map((broker) => broker.nodeId)
    .sort((a, b) => Number(b === controller) - Number(a === controller));
  const askEachBroker = async (): Promise<number> => {
    let lastError: unknown;
    for (const nodeId of nodeIds.length > 0 ? nodeIds : [0]) {
      try {
        const described = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [
            {
              type: kafkajs.ConfigResourceTypes.BROKER,
              name: String(nodeId),
              configNames: ['default.replication.factor'],
            },
          ],
        });
        const value = Number(described.resources[0]?.configEntries[0]?.configValue);
        return Number.isSafeInteger(value) && value > 0 ? value : 1;
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  };
  return retrying(askEachBroker, {
    intervalMs: (failures) => (failures < DEFAULT_REPLICATION_ROUNDS ? DEFAULT_REPLICATION_PAUSE_MS : undefined),
  });
}

export interface PartitionEnd {
  readonly topic: string;
  readonly partition: number;
  /** First offset still in the log. */
  readonly low: number;
  /** Offset the next message will get: everything below is written. */
  readonly high: number;
}

/** Low and high watermarks of every partition of the topics that exist. */
export async function partitionEnds(admin: Admin, topics: readonly string[]): Promise<PartitionEnd[]> {
  const existing = new Set(await admin.listTopics());
  const ends: PartitionEnd[] = [];
  for (const topic of topics) {
    if (!existing.has(topic)) continue;
    const offsets = await admin.fetchTopicOffsets(topic);
    for (const p of offsets.sort((a, b) => a.partition - b.partition)) {
      ends.push({ topic, partition: p.partition, low: Number(p.low), high: Number(p.high) });
    }
  }
  return ends;
}

/**
 * ensureTopics, tried again for up to a minute while brokers fail it. A command started right after
 * a broker died (a producer run again after a crash during a failover, a member started then) finds
 * that broker still listed until the controller notices, seconds later, and kafkajs' admin fails a
 * request with "connection refused" instead of asking another broker. The set-up is idempotent.
 */
export function ensureTopicsPatiently(
  admin: Admin,
  topic: string,
  layout: TopicLayout,
  log: Logger,
): Promise<TopicPartitions> {
  return retrying(() => ensureTopics(admin, topic, layout, log), {
    timeoutMs: SETUP_PATIENCE_MS,
    intervalMs: SETUP_RETRY_MS,
    // flowwatch's own refusals (a topic with too few replicas) stay refusals, retriable or not.
    retriable: (error) => !isFlowwatchError(error) && kafkaRetriable(error),
    onRetry: (error) => log.info({ err: error }, 'a broker does not answer: trying the others again'),
  });
}
