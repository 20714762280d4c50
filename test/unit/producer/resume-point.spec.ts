import { describe, expect, it } from 'vitest';
import { lineOfHeader, resumePoint, type SourceTail, type SourceTails } from '../../../producer/resume-point.ts';

const FP = '0123456789abcdef';
const OTHER = 'fedcba9876543210';
const at = (sourceId: string | undefined, line: number): SourceTail => ({ sourceId, line });
const tails = (
  flows: (SourceTail | undefined)[],
  deadLetters: (SourceTail | undefined)[] = [undefined],
): SourceTails => ({
  flows,
  deadLetters,
});

describe('where a run of a source starts', () => {
  it('publishes stream 1 from the start when the topics hold nothing of the name', () => {
    expect(resumePoint(tails([undefined, undefined, undefined]), FP, false)).toEqual({
      kind: 'publish',
      stream: 1,
      resumed: false,
      flows: [0, 0, 0],
      deadLetters: [0],
    });
  });

  it('resumes each partition after its own last line, the dead-letter topic too', () => {
    const point = resumePoint(
      tails([at(`${FP}/1`, 812), undefined, at(`${FP}/1`, 790)], [at(`${FP}/1`, 640)]),
      FP,
      false,
    );
    expect(point).toEqual({ kind: 'publish', stream: 1, resumed: true, flows: [812, 0, 790], deadLetters: [640] });
  });

  it('resumes the newest stream: a partition whose last message is of an older one holds none of it', () => {
    const point = resumePoint(tails([at(`${FP}/2`, 100), at(`${FP}/1`, 5000), at(`${FP}/2`, 97)]), FP, false);
    expect(point).toEqual({ kind: 'publish', stream: 2, resumed: true, flows: [100, 0, 97], deadLetters: [0] });
  });

  it('resumes a stream that so far has only dead letters', () => {
    const point = resumePoint(tails([undefined, undefined], [at(`${FP}/1`, 3)]), FP, false);
    expect(point).toMatchObject({ kind: 'publish', stream: 1, resumed: true, flows: [0, 0], deadLetters: [3] });
  });

  it('refuses other content under the name, finished or not', () => {
    expect(resumePoint(tails([at(`${OTHER}/1`, 10), undefined]), FP, false)).toEqual({
      kind: 'changed',
      stream: 1,
      fingerprint: OTHER,
    });
    // The newest stream decides: an older stream of this very content does not make it resumable.
    expect(resumePoint(tails([at(`${FP}/1`, 10), at(`${OTHER}/2`, 4)]), FP, false)).toMatchObject({
      kind: 'changed',
      stream: 2,
    });
  });

  it('refuses to resume messages without a source-id (an older flowwatch): their content is unknown', () => {
    expect(resumePoint(tails([at(undefined, 10)]), FP, false)).toEqual({
      kind: 'changed',
      stream: 0,
      fingerprint: undefined,
    });
    expect(resumePoint(tails([at('not-an-id', 10)]), FP, false)).toMatchObject({ kind: 'changed' });
  });

  it('tells standard input under a name apart from a file of that name', () => {
    expect(resumePoint(tails([at('stdin/1', 10)]), 'stdin', false)).toMatchObject({ kind: 'publish', resumed: true });
    expect(resumePoint(tails([at('stdin/1', 10)]), FP, false)).toMatchObject({ kind: 'changed', fingerprint: 'stdin' });
  });

  it('starts a new stream after the newest one when asked to (--again), whatever the topic holds', () => {
    const held = tails([at(`${FP}/1`, 10), at(`${OTHER}/3`, 2), at(undefined, 7)]);
    expect(resumePoint(held, FP, true)).toEqual({
      kind: 'publish',
      stream: 4,
      resumed: false,
      flows: [0, 0, 0],
      deadLetters: [0],
    });
    expect(resumePoint(tails([at(undefined, 7)]), FP, true)).toMatchObject({ stream: 1, resumed: false });
    expect(resumePoint(tails([undefined]), FP, true)).toMatchObject({ stream: 1, resumed: false });
  });
});

describe('the line header of a message read back', () => {
  it('is a line number only as flowwatch writes it', () => {
    expect(lineOfHeader('1')).toBe(1);
    expect(lineOfHeader('812')).toBe(812);
    expect(lineOfHeader('123456789012345')).toBe(123456789012345);
  });

  it('is no line number otherwise (another program wrote the message), never NaN', () => {
    for (const text of [undefined, '', 'not-a-line', '0', '-3', '07', '1.5', '1e3', ' 12', '12 ', '0x10', 'Infinity']) {
      expect(lineOfHeader(text), String(text)).toBeUndefined();
    }
  });
});
