import { describe, expect, it } from 'vitest';
import {
  type HeldUnderNames,
  holdsNothing,
  notMadeByWalkthrough,
  refusal,
  resetAnnouncement,
} from '../../../walkthrough/names-in-use.ts';

const names = { topic: 'flows', group: 'webserver-counter', keyPrefix: 'flowwatch' };
const nothing: HeldUnderNames = { topics: [], group: undefined, state: { keys: 0, flows: 0, topics: [] } };
const someoneElses: HeldUnderNames = {
  topics: [{ name: 'flows', messages: 200_000 }],
  group: { members: 0 },
  state: { keys: 9, flows: 200_000, topics: ['flows', 'flows.invalid'] },
};

describe('the names a walkthrough may reuse without --reset', () => {
  it('a fresh machine holds nothing under the default names', () => {
    expect(holdsNothing(notMadeByWalkthrough(nothing, undefined, names))).toBe(true);
  });

  it('everything is foreign without a marker', () => {
    expect(notMadeByWalkthrough(someoneElses, undefined, names)).toEqual(someoneElses);
  });

  it('a marker naming the same topic and group makes the whole run its own', () => {
    const marker = { topic: 'flows', group: 'webserver-counter' };
    expect(holdsNothing(notMadeByWalkthrough(someoneElses, marker, names))).toBe(true);
  });

  it('a marker claims the state only: a topic or group it does not name stays foreign', () => {
    const marker = { topic: 'older-flows', group: 'older-group' };
    const itsState = { ...someoneElses.state, topics: ['older-flows', 'older-flows.invalid'] };
    expect(notMadeByWalkthrough({ ...someoneElses, state: itsState }, marker, names)).toEqual({
      topics: someoneElses.topics,
      group: someoneElses.group,
      state: { keys: 0, flows: 0, topics: [] },
    });
  });

  it('a marker does not claim state counted from a topic it does not name (a later consume)', () => {
    const marker = { topic: 'flows', group: 'webserver-counter' };
    const alsoOthers = { ...someoneElses, state: { ...someoneElses.state, topics: ['flows', 'other-flows'] } };
    expect(notMadeByWalkthrough(alsoOthers, marker, names)).toEqual({
      topics: [],
      group: undefined,
      state: alsoOthers.state,
    });
  });
});

describe('the sentences', () => {
  it('the refusal names what it found and both ways on', () => {
    expect(refusal(someoneElses, names)).toBe(
      'topic flows holds 200,000 messages, group webserver-counter has committed offsets and Redis keys flowwatch:* hold 200,000 counted flows, which the walkthrough did not make: run it with --reset (npm start -- --reset) to delete them, or name others (FLOWWATCH_TOPIC, FLOWWATCH_GROUP, FLOWWATCH_KEY_PREFIX)',
    );
  });

  it('the refusal names running members', () => {
    expect(refusal({ ...nothing, group: { members: 2 } }, names)).toMatch(
      /^group webserver-counter has 2 running members, which/,
    );
  });

  it('--reset names what it deletes, the dead-letter topic included when it holds messages', () => {
    const held = { ...someoneElses, topics: [...someoneElses.topics, { name: 'flows.invalid', messages: 1 }] };
    expect(resetAnnouncement(held, names)).toBe(
      '--reset: deleting topic flows (200,000 messages), topic flows.invalid (1 message), the offsets of group webserver-counter and the Redis keys flowwatch:* (200,000 counted flows)',
    );
    expect(resetAnnouncement(nothing, names)).toBe(
      '--reset: nothing to delete under topic flows, group webserver-counter or Redis keys flowwatch:*',
    );
  });
});
