// The largest record batch each topic accepts, read from the cluster once at start: the topic's own
// max.message.bytes, or else the brokers' message.max.bytes. Nothing assumes Kafka's 1 MiB default.
import kafkajs, { type Admin } from 'kafkajs';
import type { Logger } from '../runtime/index.ts';
import { ErrorCode, FlowwatchError, retrying } from '../runtime/index.ts';
import { kafkaRetriable } from './kafka-retriable.ts';

/** describeConfigs' source of a value set on the topic itself (Kafka's DescribeConfigsResponse). */
const TOPIC_CONFIG = 1;

/** A topic's largest record batch, and the setting that sets it (named when it is too small). */
export interface RecordBatchLimit {
  readonly bytes: number;
  readonly setting: string;
}

/** How long a command's set-up waits for brokers that fail the read (a broker just died), and how often it tries. */
const READ_PATIENCE_MS = 60_000;
const READ_RETRY_MS = 1000;

/**
 * Per topic, the bytes a record batch may have. A topic's own max.message.bytes is what its brokers
 * enforce, above or below their message.max.bytes. Without one, the topic takes its broker's
 * message.max.bytes, as the broker that answered reports it; brokers that differ in it could hold
 * the topic's partitions on one with less, so then the smallest of all is kept (brokers that are
 * away now are left out: they are asked for their limit only to lower it).
 */
export async function readRecordBatchLimits(
  admin: Admin,
  topics: readonly string[],
): Promise<Map<string, RecordBatchLimit>> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: topics.map((name) => ({
      type: kafkajs.ConfigResourceTypes.TOPIC,
      name,
      configNames: ['max.message.bytes'],
    })),
  });
  let brokerLimit: number | undefined;
  const limits = new Map<string, RecordBatchLimit>();
  for (const topic of topics) {
    const resource = described.resources.find((r) => r.resourceName === topic);
    const entry = resource?.configEntries.find((e) => e.configName === 'max.message.bytes');
    const value = Number(entry?.configValue);
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new FlowwatchError(
        ErrorCode.KAFKA_TOPIC_LAYOUT,
        `the brokers did not say how large a record batch topic ${topic} accepts (max.message.bytes)`,
      );
    }
    if (entry?.configSource === TOPIC_CONFIG) {
      limits.set(topic, { bytes: value, setting: 'max.message.bytes' });
    } else {
      brokerLimit ??= Math.min(...(await brokerLimits(admin)));
      limits.set(topic, { bytes: Math.min(value, brokerLimit), setting: 'message.max.bytes' });
    }
  }
  return limits;
}

/** Each answering broker's message.max.bytes. */
async function brokerLimits(admin: Admin): Promise<number[]> {
  const { brokers } = await admin.describeCluster();
  const limits = await Promise.all(
    brokers.map(async ({ nodeId }) => {
      try {
        const described = await admin.describeConfigs({
          includeSynonyms: false,
          resources: [
            { type: kafkajs.ConfigResourceTypes.BROKER, name: String(nodeId), configNames: ['message.max.bytes'] },
          ],
        });
        const value = Number(described.resources[0]?.configEntries[0]?.configValue);
        return Number.isSafeInteger(value) && value > 0 ? value : Number.POSITIVE_INFINITY;
      } catch {
        return Number.POSITIVE_INFINITY;
      }
    }),
  );
  return limits;
}

/** readRecordBatchLimits, tried again for up to a minute while brokers fail it (as ensureTopicsPatiently). */
export function readRecordBatchLimitsPatiently(
  admin: Admin,
  topics: readonly string[],
  log: Logger,
): Promise<Map<string, RecordBatchLimit>> {
  return retrying(() => readRecordBatchLimits(admin, topics), {
    timeoutMs: READ_PATIENCE_MS,
    intervalMs: READ_RETRY_MS,
    retriable: kafkaRetriable,
    onRetry: (error) => log.info({ err: error }, 'a broker does not answer: asking the others again'),
  });
}
