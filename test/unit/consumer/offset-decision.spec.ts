import { describe, expect, it } from 'vitest';
import { decideAfterReply, decideAfterWait, decideBatch } from '../../../consumer/index.ts';

describe('decideBatch: what to do with a fetched batch, given the state', () => {
  it('applies a batch that starts exactly at the stored next offset', () => {
    expect(decideBatch({ first: 10, next: 20 }, 10, 0)).toEqual({ action: 'apply', from: 10 });
  });

  it('applies only the part of a batch the state does not hold yet', () => {
    expect(decideBatch({ first: 10, next: 20 }, 15, 0)).toEqual({ action: 'apply', from: 15 });
    expect(decideBatch({ first: 10, next: 20 }, 19, 0)).toEqual({ action: 'apply', from: 19 });
  });

  it('skips a batch the state holds entirely (a redelivery after a lost Kafka commit)', () => {
    expect(decideBatch({ first: 10, next: 20 }, 20, 0)).toEqual({ action: 'skip' });
    expect(decideBatch({ first: 10, next: 20 }, 35, 0)).toEqual({ action: 'skip' });
  });

  it('rewinds to the stored offset when Kafka is ahead of the state (state lost or rebuilt)', () => {
    expect(decideBatch({ first: 10, next: 20 }, 4, 0)).toEqual({ action: 'rewind', to: 4 });
  });

  it('starts at the first retained offset when Redis holds no offset for the partition', () => {
    expect(decideBatch({ first: 0, next: 8 }, undefined, 0)).toEqual({ action: 'apply', from: 0 });
    expect(decideBatch({ first: 50, next: 60 }, undefined, 50)).toEqual({ action: 'apply', from: 50 });
    expect(decideBatch({ first: 50, next: 60 }, undefined, 20)).toEqual({ action: 'rewind', to: 20 });
  });

  it('trusts a stored offset of 0 (no offset stored is not the same as offset 0)', () => {
    expect(decideBatch({ first: 50, next: 60 }, 0, 50)).toEqual({ action: 'rewind', to: 0 });
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
    expect(decideAfterWait(true, 5)).toEqual({ action: 'commit' });
  });

  it('follows the state to the offset it stores when the batch is gone from it (a failover)', () => {
    expect(decideAfterWait(12, 5)).toEqual({ action: 'rewind', to: 12 });
    expect(decideAfterWait(40, 5)).toEqual({ action: 'rewind', to: 40 });
  });

  it('starts at the first retained offset when the state stores no offset for the partition (-1)', () => {
    expect(decideAfterWait(-1, 5)).toEqual({ action: 'rewind', to: 5 });
  });

  it('trusts a stored offset of 0 (no offset stored is not the same as offset 0)', () => {
    expect(decideAfterWait(0, 5)).toEqual({ action: 'rewind', to: 0 });
  });
});
