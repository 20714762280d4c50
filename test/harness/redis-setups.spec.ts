// The Redis set-ups that tests start for themselves, tried with plain ioredis clients (no flowwatch
// code): a Sentinel set-up (test/support/redis-sentinel.ts) and a Redis Cluster
// (test/support/redis-cluster.ts) answer and replicate, and replace a SIGKILLed primary within a
// bound; through the held proxy (test/support/held-proxy.ts) the Sentinel set-up's replication stream
// can be held, so that a promoted replica lacks a write its primary acknowledged.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, connect, createServer } from 'node:net';
import { Cluster, Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HeldProxy } from '../support/held-proxy.ts';
import { CLUSTER_SLOTS, type RedisCluster, startRedisCluster } from '../support/redis-cluster.ts';
import { type RedisSentinelSetup, startRedisSentinel } from '../support/redis-sentinel.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * A primary silent for 2 s is down; the vote and the promotion take about a second more. A split vote
 * is tried again after twice the failover-timeout (2 x 5 s), which the bound leaves room for.
 */
const PROMOTION_MS = 25_000;
/** cluster-node-timeout 3 s to fail the node, then the replica's election: a few seconds more. */
const TAKEOVER_MS = 25_000;
/** Sentinel turns a primary that comes back into a replica after 8 s of it reporting the wrong role. */
const REJOIN_MS = 45_000;

/** The clients a test made, disconnected after it. */
const clients: Redis[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect();
});

/** A client of the test's own to one server, that fails a command at once rather than retries it. */
function direct(port: number): Redis {
  const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 0, commandTimeout: 5000 });
  redis.on('error', () => {});
  clients.push(redis);
  return redis;
}

/** A client that asks the sentinels where the primary is, as flowwatch does; a command fails within a second. */
function followingSentinels(setup: RedisSentinelSetup): Redis {
  const redis = new Redis({
    sentinels: setup.sentinelPorts.map((port) => ({ host: '127.0.0.1', port })),
    name: setup.name,
    maxRetriesPerRequest: 1,
    commandTimeout: 1000,
  });
  redis.on('error', () => {});
  clients.push(redis);
  return redis;
}

/** How many replicas acknowledge every write so far, waiting up to `timeoutMs` (WAIT). */
async function replicasWithAll(redis: Redis, timeoutMs: number): Promise<number> {
  return Number(await redis.call('WAIT', '1', String(timeoutMs)));
}

describe('the held proxy', () => {
  it('holds what clients send, or what the server sends back, until released', async () => {
    // A server that answers every chunk with the same bytes.
    const echo = createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const { port } = echo.address() as AddressInfo;
    const proxy = await HeldProxy.start({ host: '127.0.0.1', port });
    const client = connect(proxy.port, '127.0.0.1');
    try {
      await once(client, 'connect');
      let answered = '';
      client.on('data', (chunk: Buffer) => {
        answered += chunk.toString();
      });
      const answers = (text: string) =>
        waitFor(() => answered.endsWith(text), { timeoutMs: 5000, what: `the answer ${text}` });

      proxy.hold();
      client.write('asked');
      await waitFor(() => proxy.heldBytes === 5, { timeoutMs: 5000, what: 'the request held' });
      expect(answered).toBe('');
      proxy.release();
      await answers('asked');

      proxy.holdReplies();
      client.write('again');
      await waitFor(() => proxy.heldReplyBytes === 5, { timeoutMs: 5000, what: 'the answer held' });
      expect(proxy.heldBytes).toBe(0);
      expect(answered).toBe('asked');
      proxy.release();
      await answers('again');

      // A client that is no Redis replica: holding the replication stream leaves it alone...
      proxy.holdReplies('replication');
      client.write('plain');
      await answers('plain');
      // ...until it speaks as one (REPLCONF, as a replica's handshake does).
      client.write('*3\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n');
      await waitFor(() => proxy.heldReplyBytes > 0, { timeoutMs: 5000, what: "the replica's answer held" });
      expect(proxy.replicationConnections).toBe(1);
      proxy.cut();
      expect(proxy.heldReplyBytes).toBe(0);
      await once(client, 'close');
    } finally {
      client.destroy();
      await proxy.close();
      await new Promise((resolve) => echo.close(resolve));
    }
  });
});

describe("a Redis Sentinel set-up of the test's own", () => {
  let running: RedisSentinelSetup | undefined;
  afterEach(async () => {
    await running?.stop();
    running = undefined;
  });
  /** A set-up of this test's own, stopped after it. */
  async function sentinelSetup(): Promise<RedisSentinelSetup> {
    running = await startRedisSentinel();
    return running;
  }

  it('answers: the sentinels name the primary, the replica follows it in sync', async () => {
    const setup = await sentinelSetup();
    const [first, replica] = setup.nodePorts;
    expect(setup.env()).toEqual({
      REDIS_SENTINELS: setup.sentinelPorts.map((port) => `127.0.0.1:${port}`).join(','),
      REDIS_SENTINEL_NAME: 'flowwatch',
    });
    for (const port of setup.sentinelPorts) expect(await setup.primaryPort(port)).toBe(first);
    expect(await setup.role(first)).toEqual({ role: 'master' });
    expect(await setup.role(replica)).toEqual({ role: 'slave', primaryPort: first, linkUp: true });
    // The replica's stream comes through the proxy; the sentinels know the replica at its own port.
    expect(setup.proxy.replicationConnections).toBe(1);
    for (const port of setup.sentinelPorts) {
      const [known] = (await direct(port).call('SENTINEL', 'REPLICAS', setup.name)) as string[][];
      expect(known?.slice(0, 2)).toEqual(['name', `127.0.0.1:${replica}`]);
    }

    const key = `setups:${randomUUID()}`;
    await followingSentinels(setup).set(key, 'written');
    await setup.inSync();
    expect(await direct(replica).get(key)).toBe('written');
    expect(await replicasWithAll(direct(first), 5000)).toBe(1);
  });

  it('replaces a SIGKILLed primary with its replica within the bound; a client following the sentinels writes again, and the old primary comes back as a replica', async ({
    annotate,
  }) => {
    const setup = await sentinelSetup();
    const [first, replica] = setup.nodePorts;
    const client = followingSentinels(setup);
    const key = `setups:${randomUUID()}`;
    await client.set(key, 'before');
    await setup.inSync();

    const killedAt = Date.now();
    await setup.kill(first, 'SIGKILL');
    const next = await setup.waitForPromotion(first, { timeoutMs: PROMOTION_MS });
    const promotedMs = Date.now() - killedAt;
    expect(next).toBe(replica);
    await waitFor(() => client.set(key, 'after').then(() => true), {
      timeoutMs: PROMOTION_MS,
      what: 'the client following the sentinels to write again',
    });
    const writtenMs = Date.now() - killedAt;
    expect(await direct(next).get(key)).toBe('after');
    expect(writtenMs).toBeLessThan(PROMOTION_MS);

    const startedAt = Date.now();
    await setup.start(first);
    await waitFor(
      async () => {
        const role = await setup.role(first);
        return role.role === 'slave' && role.primaryPort === next && role.linkUp;
      },
      { timeoutMs: REJOIN_MS, intervalMs: 250, what: `port ${first} to replicate the new primary` },
    );
    const rejoinedMs = Date.now() - startedAt;
    await setup.inSync();
    expect(await direct(first).get(key)).toBe('after');
    await annotate(
      `promoted ${promotedMs} ms and written again ${writtenMs} ms after the kill; a replica ${rejoinedMs} ms after its start`,
    );
  });

  it('holds the replication stream: a write the primary acknowledged is not on the replica, and the replica promoted after a SIGKILL lacks it', async () => {
    const setup = await sentinelSetup();
    const [first, replica] = setup.nodePorts;
    const primary = direct(first);
    const id = randomUUID();
    await primary.set(`setups:${id}:kept`, 'replicated');
    await setup.inSync();

    const { proxy } = setup;
    proxy.holdReplies('replication');
    expect(await primary.set(`setups:${id}:lost`, 'held')).toBe('OK');
    await waitFor(() => proxy.heldReplyBytes > 0, { timeoutMs: 5000, what: 'the write held' });
    // No replica acknowledges it, however long the primary waits for one.
    expect(await replicasWithAll(primary, 1000)).toBe(0);
    expect(await direct(replica).get(`setups:${id}:lost`)).toBeNull();
    expect(await direct(replica).get(`setups:${id}:kept`)).toBe('replicated');

    await setup.kill(first, 'SIGKILL');
    const next = await setup.waitForPromotion(first, { timeoutMs: PROMOTION_MS });
    expect(next).toBe(replica);
    const promoted = direct(next);
    expect(await promoted.get(`setups:${id}:lost`)).toBeNull();
    expect(await promoted.get(`setups:${id}:kept`)).toBe('replicated');
  });

  it('drops what it held and breaks the link on cut; released, the replica reconnects and catches up', async () => {
    const setup = await sentinelSetup();
    const [first, replica] = setup.nodePorts;
    const primary = direct(first);
    const key = `setups:${randomUUID()}`;

    const { proxy } = setup;
    proxy.holdReplies('replication');
    await primary.set(key, 'held');
    expect(await replicasWithAll(primary, 500)).toBe(0);
    proxy.cut();
    expect(proxy.heldReplyBytes).toBe(0);
    // Still held: the replica reconnects, and its handshake gets no answer.
    await waitFor(() => proxy.replicationConnections === 1, { timeoutMs: 10_000, what: 'the replica back' });
    expect(await direct(replica).get(key)).toBeNull();

    proxy.release();
    await setup.inSync();
    expect(await direct(replica).get(key)).toBe('held');
  });
});

describe("a Redis Cluster of the test's own", () => {
  let cluster: RedisCluster;
  let client: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    client = new Cluster(
      cluster.ports.map((port) => ({ host: '127.0.0.1', port })),
      { redisOptions: { maxRetriesPerRequest: 1, commandTimeout: 1000 } },
    );
    client.on('error', () => {});
  }, 60_000);

  afterAll(async () => {
    client?.disconnect();
    await cluster?.stop();
  });

  it('covers all 16384 slots with three primaries, each with one replica, and every node says cluster_state:ok', async () => {
    expect(cluster.env()).toEqual({ REDIS_CLUSTER_NODES: cluster.ports.map((p) => `127.0.0.1:${p}`).join(',') });
    const ranges = await cluster.slots();
    expect(ranges.reduce((sum, range) => sum + range.end - range.start + 1, 0)).toBe(CLUSTER_SLOTS);
    const primaries = new Set(ranges.map((range) => range.primary));
    const replicas = new Set(ranges.flatMap((range) => range.replicas));
    expect(primaries.size).toBe(3);
    expect(replicas.size).toBe(3);
    expect([...primaries, ...replicas].sort()).toEqual([...cluster.ports].sort());
    for (const port of cluster.ports) {
      expect(await cluster.info(port)).toMatchObject({ cluster_state: 'ok', cluster_slots_ok: String(CLUSTER_SLOTS) });
    }
    // Keys with one hash tag share a slot, whatever follows it.
    const tag = `{setups-${randomUUID()}}`;
    expect(await cluster.slotOf(`${tag}:a`)).toBe(await cluster.slotOf(`${tag}:b`));
    await client.set(`${tag}:a`, '1');
    expect(await client.get(`${tag}:a`)).toBe('1');
  });

  it("hands a SIGKILLed primary's slot to its replica within the bound, and takes the node back as a replica", async ({
    annotate,
  }) => {
    const key = `{setups-${randomUUID()}}:count`;
    const slot = await cluster.slotOf(key);
    const primary = await cluster.primaryOf(slot);
    const [replica] = await cluster.replicasOf(slot);
    expect(replica).toBeDefined();
    await client.set(key, 'before');
    expect(await replicasWithAll(direct(primary), 5000)).toBe(1);

    const killedAt = Date.now();
    await cluster.kill(primary, 'SIGKILL');
    const next = await cluster.waitForTakeover(slot, primary, { timeoutMs: TAKEOVER_MS });
    const takenOverMs = Date.now() - killedAt;
    expect(next).toBe(replica);
    expect(await direct(next).get(key)).toBe('before');
    await waitFor(() => client.set(key, 'after').then(() => true), {
      timeoutMs: TAKEOVER_MS,
      what: 'the cluster client to write the key again',
    });
    const writtenMs = Date.now() - killedAt;
    expect(await direct(next).get(key)).toBe('after');

    const startedAt = Date.now();
    await cluster.start(primary);
    await waitFor(
      async () => {
        const role = await cluster.role(primary);
        return role.role === 'slave' && role.primaryPort === next && role.linkUp;
      },
      { timeoutMs: REJOIN_MS, intervalMs: 250, what: `port ${primary} to replicate port ${next}` },
    );
    await waitFor(async () => (await cluster.replicasOf(slot)).includes(primary), {
      timeoutMs: REJOIN_MS,
      what: `port ${primary} listed as a replica of slot ${slot}`,
    });
    const rejoinedMs = Date.now() - startedAt;
    expect(await cluster.primaryOf(slot)).toBe(next);
    await annotate(
      `taken over ${takenOverMs} ms and written again ${writtenMs} ms after the kill; a replica ${rejoinedMs} ms after its start`,
    );
  });
});
