import { describe, expect, it } from 'vitest';
import { ErrorCode, type FlowwatchError, isFlowwatchError } from '../../../runtime/index.ts';
import { applyBatchResult, claimResult, confirmResult, deleteResult, ScriptCode } from '../../../state/index.ts';

const unknownReply = (reply: unknown) => {
  try {
    applyBatchResult(reply);
  } catch (error) {
    return isFlowwatchError(error, ErrorCode.STATE_REPLY_UNKNOWN) && !error.retriable;
  }
  return false;
};

describe('applyBatchResult: the apply script’s reply as a typed result', () => {
  it('reads each code the script answers with', () => {
    expect(applyBatchResult([ScriptCode.applied, '20'])).toEqual({ status: 'applied', next: 20 });
    expect(applyBatchResult([ScriptCode.offsetMismatch, '7'])).toEqual({ status: 'offset-mismatch', stored: 7 });
    expect(applyBatchResult([ScriptCode.fenced, '4'])).toEqual({ status: 'fenced', owner: 4 });
  });

  it('is an error, never a refusal, for a code it does not know', () => {
    expect(unknownReply([-4, '4'])).toBe(true);
    expect(unknownReply([0, '4'])).toBe(true);
    expect(unknownReply([2, '4'])).toBe(true);
  });

  it('is an error for a reply that is not the expected shape', () => {
    expect(unknownReply(null)).toBe(true);
    expect(unknownReply([1])).toBe(true);
    expect(unknownReply([1, 'x'])).toBe(true);
    expect(unknownReply('OK')).toBe(true);
  });
});

describe('a refusal: the state cannot take the change, nothing changed', () => {
  const refusalOf = (read: () => unknown) => {
    try {
      read();
    } catch (error) {
      return isFlowwatchError(error, ErrorCode.STATE_REFUSED) && error.retriable ? error.message : undefined;
    }
    return undefined;
  };

  it('is a retriable error that says why, from each script', () => {
    const why = 'flowwatch:hours holds a string, not a zset';
    expect(refusalOf(() => applyBatchResult([ScriptCode.refused, why]))).toContain(why);
    expect(refusalOf(() => claimResult([ScriptCode.refused, why], 'g', 'p'))).toContain(why);
    expect(refusalOf(() => deleteResult([ScriptCode.refused, why]))).toContain(why);
  });

  it('reads a claim and a deletion, and a deletion to read again', () => {
    expect(claimResult([ScriptCode.applied, 7], 'g', 'p')).toBe(7);
    expect(deleteResult([ScriptCode.applied, 12])).toBe(12);
    expect(deleteResult([ScriptCode.hoursChanged, 3])).toBeUndefined();
  });

  it('reads a claim refused because another group owns the state as one sentence that names both groups', () => {
    let caught: unknown;
    try {
      claimResult([ScriptCode.otherGroup, 'webserver-counter'], 'webserver-countr', 'flowwatch');
    } catch (error) {
      caught = error;
    }
    expect(isFlowwatchError(caught, ErrorCode.STATE_OTHER_GROUP)).toBe(true);
    const error = caught as FlowwatchError;
    expect(error.retriable).toBe(false);
    expect(error.exitCode).toBe(2);
    expect(error.message).toMatch(/flowwatch is counted by group webserver-counter, not webserver-countr/);
    expect(error.message).not.toContain('\n');
  });

  it('reads a confirmation: the state holds the batch, or is elsewhere (none stored: -1)', () => {
    expect(confirmResult([ScriptCode.applied, '40'])).toEqual({ status: 'held', next: 40 });
    expect(confirmResult([ScriptCode.offsetMismatch, '12'])).toEqual({ status: 'elsewhere', stored: 12 });
    expect(confirmResult([ScriptCode.offsetMismatch, '-1'])).toEqual({ status: 'elsewhere', stored: -1 });
  });
});
