// A cluster of three KRaft nodes of the test's own (test/support/kafka-cluster.ts): one cluster id,
// every broker answers, a topic is replicated to all three, and when a partition's leader is killed
// another node leads within a bound and the restarted node comes back into the ISR.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { connectAdmin, createKafka } from '../../kafka/index.ts';
import { createLogger } from '../../runtime/index.ts';
import { type KafkaCluster, startKafkaCluster } from '../support/kafka-cluster.ts';
import { testNames } from '../support/test-names.ts';
import { waitFor } from '../support/wait-for.ts';

/** A broker killed without a goodbye is fenced after broker.session.timeout.ms (9 s); then a new leader is picked. */
const FAILOVER_MS = 30_000;
const { topic } = testNames('cluster');
let cluster: KafkaCluster;

beforeAll(async () => {
  cluster = await startKafkaCluster({ nodes: 3 });
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

/** The node ids that the broker at `address` alone reports, asked through no other broker. */
async function brokersSeenAt(address: string): Promise<number[]> {
  const config = loadConfig({ ...process.env, KAFKA_BROKERS: address });
  const admin = await connectAdmin(
    createKafka(config, createLogger('silent'), 'flowwatch-test-cluster', 'quick'),
    config,
  );
  try {
    return (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort();
  } finally {
    await admin.disconnect();
  }
}

describe('a cluster of three KRaft nodes', () => {
  it('formats every node with one cluster id, a Kafka UUID and nothing else', () => {
    const ids = cluster.nodeIds.map(
      (id) => /^cluster\.id=(.*)$/m.exec(readFileSync(join(cluster.home(id), 'data', 'meta.properties'), 'utf8'))?.[1],
    );
    expect(new Set(ids).size).toBe(1);
    expect(ids[0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('answers at each of the three addresses, each broker knowing all three', async () => {
    expect(cluster.nodeIds).toEqual([1, 2, 3]);
    expect(cluster.brokers.split(',')).toEqual(cluster.nodeIds.map((id) => cluster.address(id)));
    for (const id of cluster.nodeIds) expect(await brokersSeenAt(cluster.address(id))).toEqual([1, 2, 3]);
  });

  it('keeps three replicas, all in sync, of a topic created with replication factor 3', async () => {
    await cluster.withAdmin((admin) =>
      admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 4, replicationFactor: 3 }] }),
    );
    for (const partition of [0, 1, 2, 3]) {
      const state = await cluster.partition(topic, partition);
      expect([...state.replicas].sort()).toEqual([1, 2, 3]);
      expect([...state.isr].sort()).toEqual([1, 2, 3]);
    }
  });

  it('moves leadership off a SIGKILLed leader within the bound, and takes the node back into the ISR on restart', async () => {
    const leader = await cluster.leaderOf(topic, 0);
    expect(cluster.nodeIds).toContain(leader);

    await cluster.kill(leader);
    const next = await waitFor(
      async () => {
        const now = await cluster.partition(topic, 0);
        return now.leader !== leader && now.leader !== -1 && !now.isr.includes(leader) ? now : undefined;
      },
      { timeoutMs: FAILOVER_MS, intervalMs: 250, what: `a leader of ${topic}-0 other than node ${leader}` },
    );
    expect(cluster.nodeIds).toContain(next.leader);
    // min.insync.replicas=2 still holds with one node of three gone.
    expect(next.isr).toHaveLength(2);

    await cluster.start(leader);
    const back = await waitFor(
      async () => {
        const now = await cluster.partition(topic, 0);
        return now.isr.length === 3 ? now : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 250, what: `node ${leader} back in the ISR of ${topic}-0` },
    );
    expect([...back.isr].sort()).toEqual([1, 2, 3]);
  });
});
