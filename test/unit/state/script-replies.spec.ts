import { describe, expect, it } from 'vitest';
import { ErrorCode, isFlowwatchError } from '../../../common/index.ts';
import { ApplyBatchCode, applyBatchResult } from '../../../state/index.ts';

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
    expect(applyBatchResult([ApplyBatchCode.applied, '20'])).toEqual({ status: 'applied', next: 20 });
    expect(applyBatchResult([ApplyBatchCode.offsetMismatch, '7'])).toEqual({ status: 'offset-mismatch', stored: 7 });
    expect(applyBatchResult([ApplyBatchCode.fenced, '4'])).toEqual({ status: 'fenced', owner: 4 });
  });

  it('is an error, never a refusal, for a code it does not know', () => {
    expect(unknownReply([-3, '4'])).toBe(true);
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
