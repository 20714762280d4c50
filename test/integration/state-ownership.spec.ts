// One group per state: a member of another group on the same key prefix is refused in one sentence
// before it claims anything, and the group that owns the state goes on counting, exactly.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { ConsumerEvents } from '../../consumer/index.ts';
import { createRedis, partitionId, StateReader, StateWriter, stateKeys } from '../../state/index.ts';
import { explain } from '../support/cli.ts';
import { groundTruth } from '../support/ground-truth.ts';
import { expectStateEqualsFile, generatedFile, namedRuns, produce, startConsumer } from '../support/pipeline.ts';
import { waitFor, within } from '../support/wait-for.ts';

const config = loadConfig(process.env);
const redis = createRedis(config);
const runs = namedRuns(redis);

afterAll(async () => {
  await runs.cleanup();
  redis.disconnect();
});

/** A flow file cut in two at a line, each half a file of its own (the second later in event time). */
function halves(file: string, at: number): [string, string] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const first = `${file}.first`;
  const second = `${file}.second`;
  writeFileSync(first, `${lines.slice(0, at).join('\n')}\n`);
  writeFileSync(second, lines.slice(at).join('\n'));
  return [first, second];
}

describe('one group per state', () => {
  it('refuses a claim from another group whole, and records the group that owns the state', async () => {
    const names = runs.named('owner-claim');
    const partition = partitionId(names.topic, 0);
    const owner = new StateWriter(redis, names.prefix, undefined, names.group);
    const stranger = new StateWriter(redis, names.prefix, undefined, `${names.group}-typo`);
    const epoch = await owner.claim([partition], 0);
    const before = await redis.hgetall(stateKeys.owners(names.prefix));
    await expect(stranger.claim([partition], 0)).rejects.toMatchObject({
      code: 'FW_STATE_OTHER_GROUP',
      message: expect.stringContaining(names.group),
    });
    expect(await redis.hgetall(stateKeys.owners(names.prefix))).toEqual(before);
    expect(await redis.get(stateKeys.epoch(names.prefix))).toBe(String(epoch));
    expect(await new StateReader(redis, names.prefix).owningGroup()).toBe(names.group);
  });

  it("refuses a member of another group on the same prefix in one sentence, and the owner's counts stay exact", async () => {
    const names = runs.named('owner');
    const file = generatedFile(80_000, 31);
    const [first, second] = halves(file, 40_000);
    await produce(names, first);
    const member = startConsumer(names);
    const counted = async () => (await new StateReader(redis, names.prefix).totals()).flows;
    try {
      await waitFor(async () => (await counted()) > 0, { timeoutMs: 60_000, what: 'progress' }).catch(
        explain([member]),
      );
      const stranger = startConsumer(names, [], { FLOWWATCH_GROUP: `${names.group}-typo` });
      const refused = await within(stranger.done, 60_000, 'the other group to be refused').catch((error: Error) => {
        stranger.child.kill('SIGKILL');
        throw new Error(`${error.message}\n${stranger.output().stderr.slice(-2000)}`);
      });
      expect(refused.code, refused.stderr).toBe(2);
      const sentence = refused.stderr.split('\n').filter((line) => line.includes('FW_STATE_OTHER_GROUP'));
      expect(sentence).toHaveLength(1);
      expect(sentence[0]).toContain(names.group);
      expect(stranger.eventsOf(ConsumerEvents.PARTITIONS_CLAIMED)).toHaveLength(0);

      // The owner alone, never rejoining, counts the second half too.
      await produce(names, second);
      const valid = groundTruth(file).flows;
      await waitFor(async () => (await counted()) >= valid, {
        timeoutMs: 120_000,
        what: 'the owner to count both halves',
      }).catch(explain([member]));
      expect(member.eventsOf(ConsumerEvents.BATCH_REFUSED)).toHaveLength(0);
      expect(member.child.exitCode).toBeNull();
    } finally {
      member.child.kill('SIGKILL');
      await member.done;
    }
    await expectStateEqualsFile(redis, names.prefix, file);
  });
});
