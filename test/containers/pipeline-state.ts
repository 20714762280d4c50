// The test process's view of a pipeline in containers: creates its topics up front, reads how many
// flows the consumers have counted, and waits until every message is applied.

import type { Admin } from 'kafkajs';
import { loadConfig } from '../../config/index.ts';
import { connectAdmin, createKafka, ensureTopics } from '../../kafka/index.ts';
import { deadLetterTopic } from '../../kafka/topic-set.ts';
import { createLogger } from '../../runtime/index.ts';
import type { RedisClient } from '../../state/index.ts';
import { connectRedis, createRedis, isCaughtUp, StateReader, stateProgress } from '../../state/index.ts';
import type { TestNames } from '../support/test-names.ts';
import { waitFor } from '../support/wait-for.ts';

export class PipelineState {
  readonly redis: RedisClient;
  private readonly admin: Admin;
  private readonly names: TestNames;

  private constructor(redis: RedisClient, admin: Admin, names: TestNames) {
    this.redis = redis;
    this.admin = admin;
    this.names = names;
  }

  static async connect(brokers: string, redisUrl: string, names: TestNames): Promise<PipelineState> {
    const config = loadConfig(process.env, { KAFKA_BROKERS: brokers, REDIS_URL: redisUrl });
    const admin = await connectAdmin(createKafka(config, createLogger('silent'), 'flowwatch-test-state'), config);
    return new PipelineState(await connectRedis(createRedis(config), config), admin, names);
  }

  /**
   * Creates the topic and its dead-letter topic, with their leaders elected, before any member
   * starts: members racing to create them on a fresh broker is not what these tests are about.
   */
  async createTopics(): Promise<void> {
    await ensureTopics(this.admin, this.names.topic);
  }

  async flowsCounted(): Promise<number> {
    return (await new StateReader(this.redis, this.names.prefix).totals()).flows;
  }

  /** Waits until every partition is applied up to its end (call once the producer is done). */
  async waitUntilComplete(timeoutMs: number): Promise<void> {
    const topics = [this.names.topic, deadLetterTopic(this.names.topic)];
    await waitFor(
      async () => isCaughtUp(await stateProgress(this.admin, new StateReader(this.redis, this.names.prefix), topics)),
      {
        timeoutMs,
        intervalMs: 250,
        what: 'the consumers to apply every message',
      },
    );
  }

  async close(): Promise<void> {
    this.redis.disconnect();
    await this.admin.disconnect();
  }
}
