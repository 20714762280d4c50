// A batch the state cannot take is refused whole: a key of the wrong type (as anyone sharing a Redis
// could leave), a value that is not a number, a Redis at its maxmemory. Nothing is half-applied, the
// consumer says why in one short line and goes on once the cause is removed, and the end is exact.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { ConsumerEvents, emptyTally } from '../../consumer/index.ts';
import { createRedis, partitionId, StateReader, StateWriter, stateKeys } from '../../state/index.ts';
import { explain } from '../support/cli.ts';
import { groundTruth } from '../support/ground-truth.ts';
import {
  consumeToEnd,
  expectStateEqualsFile,
  generatedFile,
  namedRuns,
  produce,
  startConsumer,
} from '../support/pipeline.ts';
import { planted } from '../support/planted-state.ts';
import { OwnRedis } from '../support/redis-server.ts';
import { waitFor } from '../support/wait-for.ts';

const config = loadConfig(process.env);
const redis = createRedis(config);
const runs = namedRuns(redis);

/** A Redis of this spec's own: its memory limit is changed, which the shared one must not see. */
let own: OwnRedis;
let ownClient: Redis;

beforeAll(async () => {
  own = await OwnRedis.start();
  ownClient = new Redis(own.url, { maxRetriesPerRequest: 1 });
  ownClient.on('error', () => {});
});

afterAll(async () => {
  await runs.cleanup();
  redis.disconnect();
  ownClient.disconnect();
  await own.stop();
});

/** Every key of a prefix with its type and content, to show that nothing changed. */
async function snapshot(client: Redis, prefix: string): Promise<Record<string, string>> {
  const keys = (await client.keys(`${prefix}:*`)).sort();
  const entries: [string, string][] = [];
  for (const key of keys) entries.push([key, (await client.dumpBuffer(key))?.toString('hex') ?? '']);
  return Object.fromEntries(entries);
}

/** A batch of two flows to one device in hour 33, and the offsets it covers. */
function batchOf(partition: string, epoch: number, from: number) {
  const increments = {
    ...emptyTally(),
    flows: 2,
    webRequests: 2,
    maxTime: 33 * 3600 + 10,
    devices: new Map([['Comp123', 2]]),
    hours: new Map([[33, new Map([['Comp123', 2]])]]),
  };
  return { partition, epoch, from, next: from + 2, startIfUnknown: 0, partitions: 1, increments };
}

describe('a state script meeting what it cannot take', () => {
  const plantings: [string, (client: Redis, prefix: string) => Promise<unknown>, RegExp][] = [
    ['the hours set holds a string', (c, p) => c.set(`${p}:hours`, 'x'), /hours.*string/],
    [
      "an hour's set holds a hash",
      (c, p) => c.multi().del(`${p}:hour:33`).hset(`${p}:hour:33`, 'a', '1').exec(),
      /hour:33.*hash/,
    ],
    [
      'the watermark holds a list',
      (c, p) => c.multi().del(`${p}:watermark`).rpush(`${p}:watermark`, '1').exec(),
      /watermark.*list/,
    ],
    ['the late set holds a string', (c, p) => c.set(`${p}:late`, 'x'), /late.*string/],
    ['a total holds text', (c, p) => c.hset(`${p}:totals`, 'webRequests', 'many'), /totals.*webRequests.*integer/],
    ['the watermark holds text', (c, p) => c.set(`${p}:watermark`, 'soon'), /watermark.*number/],
    ["a partition's event time holds text", (c, p) => c.hset(`${p}:event-times`, 't/0', 'late'), /event-times.*number/],
    // Integers as Lua reads them, but not as HINCRBY does: refused before the first write.
    [
      'a total has a leading zero',
      (c, p) => c.hset(`${p}:totals`, 'webRequests', '007'),
      /totals.*webRequests.*integer/,
    ],
    [
      'a total would overflow',
      (c, p) => c.hset(`${p}:totals`, 'flows', '9223372036854775807'),
      /totals.*flows.*integer/,
    ],
  ];

  for (const [what, plant, reason] of plantings) {
    it(`refuses the batch whole, says why and changes nothing when ${what}`, async () => {
      const names = runs.named('script');
      const writer = new StateWriter(ownClient, names.prefix);
      const partition = partitionId('t', 0);
      const epoch = await writer.claim([partition], 0);
      expect(await writer.apply(batchOf(partition, epoch, 0))).toEqual({ status: 'applied', next: 2 });
      await plant(ownClient, names.prefix);
      const before = await snapshot(ownClient, names.prefix);
      await expect(writer.apply(batchOf(partition, epoch, 2))).rejects.toThrow(reason);
      expect(await snapshot(ownClient, names.prefix)).toEqual(before);
    });
  }

  it('writes no owner for a partition nobody claimed when it refuses the batch', async () => {
    const names = runs.named('unclaimed');
    const writer = new StateWriter(ownClient, names.prefix);
    await planted.wrongType(ownClient, names.prefix, 'hours');
    const before = await snapshot(ownClient, names.prefix);
    // Epoch 1 on a partition with no owner: the script would claim it, as after a lost state.
    await expect(writer.apply(batchOf(partitionId('t', 1), 1, 0))).rejects.toThrow(/hours.*string/);
    expect(await snapshot(ownClient, names.prefix)).toEqual(before);
  });

  it('counts a flow whose Time is beyond 2^53 (digits only is valid), in its hour', async () => {
    const names = runs.named('bigtime');
    const writer = new StateWriter(ownClient, names.prefix);
    const partition = partitionId('t', 0);
    const epoch = await writer.claim([partition], 0);
    const time = 1e21;
    const hour = Math.floor(time / 3600);
    const request = batchOf(partition, epoch, 0);
    const increments = {
      ...request.increments,
      maxTime: time,
      hours: new Map([[hour, new Map([['Comp123', 2]])]]),
    };
    expect(await writer.apply({ ...request, increments })).toEqual({ status: 'applied', next: 2 });
    const reader = new StateReader(ownClient, names.prefix);
    expect(await reader.hours()).toEqual([hour]);
    expect(await reader.hourScores(hour)).toEqual(new Map([['Comp123', 2]]));
  });

  it('refuses the batch whole at maxmemory with noeviction, and applies it once memory is allowed', async () => {
    const names = runs.named('oom');
    const writer = new StateWriter(ownClient, names.prefix);
    const partition = partitionId('t', 0);
    const epoch = await writer.claim([partition], 0);
    expect(await writer.apply(batchOf(partition, epoch, 0))).toEqual({ status: 'applied', next: 2 });
    const before = await snapshot(ownClient, names.prefix);
    await ownClient.config('SET', 'maxmemory-policy', 'noeviction');
    await ownClient.config('SET', 'maxmemory', '1');
    try {
      await expect(writer.apply(batchOf(partition, epoch, 2))).rejects.toThrow(/maxmemory/);
      expect(await snapshot(ownClient, names.prefix)).toEqual(before);
    } finally {
      await ownClient.config('SET', 'maxmemory', '0');
    }
    expect(await writer.apply(batchOf(partition, epoch, 2))).toEqual({ status: 'applied', next: 4 });
  });
});

describe('a consumer whose batches the state refuses', () => {
  const file = () => generatedFile(60_000, 23);

  it('counts nothing while a key of the wrong type is in the state, says why, and ends exact once it is removed', async () => {
    const names = runs.named('wrongtype');
    const flows = file();
    await planted.wrongType(redis, names.prefix, 'hours');
    await produce(names, flows);
    const member = startConsumer(names);
    try {
      await waitFor(() => member.eventsOf(ConsumerEvents.STATE_REFUSED).length >= 3, {
        timeoutMs: 60_000,
        what: 'the member to meet the refusal three times',
      }).catch(explain([member]));
      const reasons = member
        .eventsOf(ConsumerEvents.STATE_REFUSED)
        .map((e) => (e.payload as { reason: string }).reason);
      expect(reasons[0]).toMatch(/hours.*string/);
      // Nothing half-applied: every batch touches the hours set's key, so none moved anything.
      expect(await new StateReader(redis, names.prefix).totals()).toEqual({
        flows: 0,
        webRequests: 0,
        invalidLines: 0,
        undecodable: 0,
        timeOutliers: 0,
      });
      // Says why in short lines: no batch (its devices, its arguments) in the log.
      const lines = member
        .output()
        .stderr.split('\n')
        .filter((line) => line.includes('hours'));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line.length).toBeLessThan(1000);
      expect(member.child.exitCode).toBeNull();

      await redis.del(stateKeys.hours(names.prefix));
      const valid = groundTruth(flows).flows;
      await waitFor(async () => (await new StateReader(redis, names.prefix).totals()).flows >= valid, {
        timeoutMs: 120_000,
        what: 'the member to count the file once the key is gone',
      }).catch(explain([member]));
    } finally {
      member.child.kill('SIGKILL');
      await member.done;
    }
    await consumeToEnd(names);
    await expectStateEqualsFile(redis, names.prefix, flows);
  });

  it('applies nothing while Redis is at its maxmemory, says why, and ends exact once memory is allowed', async () => {
    const names = runs.named('maxmemory');
    const flows = file();
    const env = { REDIS_URL: own.url };
    // Paced (about 12 s for the file), so that flows are still arriving when the limit is set: a
    // member that had already counted the whole file would have no batch left to be refused.
    const producing = produce(names, flows, ['--rate', '5000']);
    const member = startConsumer(names, [], env);
    const counted = async () => (await new StateReader(ownClient, names.prefix).totals()).flows;
    try {
      await waitFor(async () => (await counted()) > 0, { timeoutMs: 60_000, what: 'progress' }).catch(
        explain([member]),
      );
      await ownClient.config('SET', 'maxmemory-policy', 'noeviction');
      await ownClient.config('SET', 'maxmemory', '1');
      await waitFor(() => member.eventsOf(ConsumerEvents.STATE_REFUSED).length > 0, {
        timeoutMs: 60_000,
        what: 'the member to meet the memory limit',
      }).catch(explain([member]));
      const at = await counted();
      const refusals = member.eventsOf(ConsumerEvents.STATE_REFUSED).length;
      await waitFor(() => member.eventsOf(ConsumerEvents.STATE_REFUSED).length >= refusals + 3, {
        timeoutMs: 60_000,
        what: 'the member to retry at the limit',
      }).catch(explain([member]));
      expect(await counted()).toBe(at);
      const reasons = member
        .eventsOf(ConsumerEvents.STATE_REFUSED)
        .map((e) => (e.payload as { reason: string }).reason);
      expect(reasons[0]).toMatch(/maxmemory/);
      expect(member.child.exitCode).toBeNull();
      await ownClient.config('SET', 'maxmemory', '0');
      const valid = groundTruth(flows).flows;
      await waitFor(async () => (await counted()) >= valid, {
        timeoutMs: 120_000,
        what: 'the member to count the file once memory is allowed',
      }).catch(explain([member]));
    } finally {
      await ownClient.config('SET', 'maxmemory', '0');
      member.child.kill('SIGKILL');
      await member.done;
    }
    await producing;
    await consumeToEnd(names, env);
    await expectStateEqualsFile(ownClient, names.prefix, flows);
  });
});
