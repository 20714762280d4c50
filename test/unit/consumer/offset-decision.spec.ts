import { describe, expect, it } from 'vitest';
import { assumedStart, decideAfterReply, decideAfterWait, decideBatch, decideStart } from '../../../consumer/index.ts';

describe('decideBatch: what to do with a fetched batch, given the state', () => {
  it('applies a batch that starts exactly at the stored next offset', () => {
    expect(decideBatch({ first: 10, next: 20 }, 10)).toEqual({ action: 'apply', from: 10 });
  });

  it('applies only the part of a batch the state does not hold yet', () => {
    expect(decideBatch({ first: 10, next: 20 }, 15)).toEqual({ action: 'apply', from: 15 });
    expect(decideBatch({ first: 10, next: 20 }, 19)).toEqual({ action: 'apply', from: 19 });
  });

  it('skips a batch the state holds entirely (a redelivery after a lost Kafka commit)', () => {
    expect(decideBatch({ first: 10, next: 20 }, 20)).toEqual({ action: 'skip' });
    expect(decideBatch({ first: 10, next: 20 }, 35)).toEqual({ action: 'skip' });
  });

  it('rewinds to the stored offset when Kafka is ahead of the state (state lost or rebuilt)', () => {
    expect(decideBatch({ first: 10, next: 20 }, 4)).toEqual({ action: 'rewind', to: 4 });
  });

  it('rewinds to a start of 0 (no offset stored is not the same as offset 0)', () => {
    expect(decideBatch({ first: 50, next: 60 }, 0)).toEqual({ action: 'rewind', to: 0 });
  });
});

describe('decideStart: where a partition starts, given what the state stores and what Kafka retains', () => {
  it('counts from the stored next offset', () => {
    expect(decideStart(40, 0, false)).toEqual({ action: 'count', from: 40 });
    expect(decideStart(40, 40, false)).toEqual({ action: 'count', from: 40 });
    expect(decideStart(0, 0, false)).toEqual({ action: 'count', from: 0 });
  });

  it('counts from 0 when nothing is stored and Kafka still holds the whole partition', () => {
    expect(decideStart(undefined, 0, false)).toEqual({ action: 'count', from: 0 });
    expect(decideStart(undefined, 0, true)).toEqual({ action: 'count', from: 0 });
  });

  it('refuses when nothing is stored and Kafka deleted the first messages: the count would be partial', () => {
    expect(decideStart(undefined, 5000, false)).toEqual({ action: 'refuse-partial', low: 5000 });
  });

  it('counts from the first retained offset, marked partial, only when a partial count is accepted', () => {
    expect(decideStart(undefined, 5000, true)).toEqual({ action: 'count-partial', from: 5000 });
  });

  it('says the state is incomplete when Kafka deleted messages above its stored offset, partial accepted or not', () => {
    expect(decideStart(3000, 5000, false)).toEqual({ action: 'incomplete', stored: 3000, low: 5000 });
    expect(decideStart(3000, 5000, true)).toEqual({ action: 'incomplete', stored: 3000, low: 5000 });
  });
});

describe('assumedStart: the offset an apply may assume when the state lost its position meanwhile', () => {
  it('assumes 0 only for a batch from 0, and nothing (-1, which no batch starts at) otherwise', () => {
    expect(assumedStart(0)).toBe(0);
    expect(assumedStart(5000)).toBe(-1);
  });
});

describe('decideAfterReply: what to do once Redis answered the apply of [from, next)', () => {
  it('advances to the next offset Redis stored', () => {
    expect(decideAfterReply({ status: 'applied', next: 20 }, 20, 3)).toEqual({ action: 'advance', next: 20 });
  });

  it('advances when an earlier attempt applied the batch and its reply was lost', () => {
    expect(decideAfterReply({ status: 'offset-mismatch', stored: 20 }, 20, 3)).toEqual({
      action: 'advance',
      next: 20,
    });
  });

  it('decides where to start again when the state holds no position for the partition (-1)', () => {
    expect(decideAfterReply({ status: 'offset-mismatch', stored: -1 }, 20, 3)).toEqual({ action: 'restart' });
  });

  it('follows the state when it stands elsewhere', () => {
    expect(decideAfterReply({ status: 'offset-mismatch', stored: 7 }, 20, 3)).toEqual({ action: 'rewind', to: 7 });
    expect(decideAfterReply({ status: 'offset-mismatch', stored: 30 }, 20, 3)).toEqual({ action: 'rewind', to: 30 });
  });

  it('claims again when an older epoch owns the partition (its claim landed after ours)', () => {
    expect(decideAfterReply({ status: 'fenced', owner: 2 }, 20, 3)).toEqual({ action: 'reclaim' });
  });

  it('yields the partition when a newer member owns it (this member is the zombie)', () => {
    expect(decideAfterReply({ status: 'fenced', owner: 4 }, 20, 3)).toEqual({ action: 'yield' });
    expect(decideAfterReply({ status: 'fenced', owner: 3 }, 20, 3)).toEqual({ action: 'yield' });
  });
});

describe('decideAfterWait: what to do once an applied batch was confirmed and its replicas waited for', () => {
  it('commits when enough replicas hold the batch', () => {
    expect(decideAfterWait(true)).toEqual({ action: 'commit' });
  });

  it('follows the state to the offset it stores when the batch is gone from it (a failover)', () => {
    expect(decideAfterWait(12)).toEqual({ action: 'rewind', to: 12 });
    expect(decideAfterWait(40)).toEqual({ action: 'rewind', to: 40 });
  });

  it('decides where to start again when the state stores no offset for the partition (-1)', () => {
    expect(decideAfterWait(-1)).toEqual({ action: 'restart' });
  });

  it('trusts a stored offset of 0 (no offset stored is not the same as offset 0)', () => {
    expect(decideAfterWait(0)).toEqual({ action: 'rewind', to: 0 });
  });
});
