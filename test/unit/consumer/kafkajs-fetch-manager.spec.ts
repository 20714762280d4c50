// kafkajs' fetch manager, as patched by patches/kafkajs+2.2.4.patch: a consumer asked to stop while it
// rebuilds its fetchers (a broker just died, so the partitions' leaders changed) must stop. Unpatched,
// the rebuild happens after the stop and the new fetchers spin for ever: the consumer's runner answers
// every fetch at once with nothing while it is stopping, so the member's event loop never turns again
// and even its forced exit cannot run.
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';

interface FetchManager {
  start(): Promise<void>;
  stop(): Promise<void>;
}
type CreateFetchManager = (options: {
  logger: unknown;
  getNodeIds: () => number[];
  fetch: (nodeId: number) => Promise<unknown[]>;
  handler: (batch: unknown) => Promise<void>;
  concurrency?: number;
}) => FetchManager;

const createFetchManager = createRequire(import.meta.url)('kafkajs/src/consumer/fetchManager.js') as CreateFetchManager;

const quiet = { namespace: () => quiet, debug() {}, info() {}, warn() {}, error() {} };

/** Fetches answered at once after the stop beyond this many mean a loop that never yields. */
const SPIN_LIMIT = 10_000;

describe('the kafkajs fetch manager', () => {
  it('does not start new fetchers when a stop arrives while it rebuilds them after a broker change', async () => {
    let nodeIds = [1, 2];
    let running = true;
    let answeredWhileStopped = 0;
    let deadBrokerFetching = false;
    let changeSeen = false;
    let releaseDeadBroker: () => void = () => {};
    const deadBroker = new Promise<void>((resolve) => {
      releaseDeadBroker = resolve;
    });
    // As kafkajs' consumer runner fetches: nothing, at once, once it is stopping; node 2 is the broker
    // that died, whose fetch hangs until its connection gives up.
    const fetch = async (nodeId: number): Promise<unknown[]> => {
      if (!running) {
        answeredWhileStopped++;
        if (answeredWhileStopped > SPIN_LIMIT) throw new Error('fetchers spin after the stop');
        return [];
      }
      if (nodeId === 2) {
        deadBrokerFetching = true;
        await deadBroker;
      } else await sleep(1);
      return [];
    };
    // Each fetch first asks for the brokers; the first answer with node 3 makes the manager rebuild.
    const getNodeIds = () => {
      changeSeen ||= nodeIds.includes(3);
      return nodeIds;
    };
    const manager = createFetchManager({ logger: quiet, getNodeIds, fetch, handler: async () => {} });

    const started = manager.start();
    await expect.poll(() => deadBrokerFetching).toBe(true);
    // The leaders moved: node 1's next fetch sees it and the manager rebuilds its fetchers, which
    // first waits for node 2's fetch to end. The rebuild begins in the same turn of the event loop
    // as the fetch that saw the change, so by the time a poll sees it, the manager is waiting.
    nodeIds = [1, 3];
    await expect.poll(() => changeSeen).toBe(true);
    // The consumer is told to stop meanwhile (runner.stop: not running, then the manager's stop).
    running = false;
    const stopped = manager.stop();
    releaseDeadBroker();

    await expect(started).resolves.toBeUndefined();
    await stopped;
    expect(answeredWhileStopped).toBeLessThan(10);
  });

  it('still rebuilds its fetchers after a broker change when nobody stops it', async () => {
    let nodeIds = [1, 2];
    const fetchedFrom = new Set<number>();
    const fetch = async (nodeId: number): Promise<unknown[]> => {
      fetchedFrom.add(nodeId);
      await sleep(1);
      return [];
    };
    const manager = createFetchManager({ logger: quiet, getNodeIds: () => nodeIds, fetch, handler: async () => {} });
    const started = manager.start();
    await expect.poll(() => fetchedFrom.has(1) && fetchedFrom.has(2)).toBe(true);
    nodeIds = [1, 3];
    await expect.poll(() => fetchedFrom.has(3)).toBe(true);
    await manager.stop();
    await started;
  });
});
