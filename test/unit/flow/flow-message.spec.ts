import { describe, expect, it } from 'vitest';
import {
  flowMessage,
  Header,
  headerText,
  RejectedBy,
  readFlowValue,
  rejectedLineMessage,
} from '../../../flow/index.ts';

const LINE = '118781,49,Comp300446,Comp785232,6,Port48559,80,10,35,13910,28490';

describe('the message schema', () => {
  it('keys a flow by DstDevice and carries the line as its value, with source, line number and source-id', () => {
    const message = flowMessage(LINE.split(','), Buffer.from(`${LINE}\r`), 'day-02', 42, '0123456789abcdef/2');
    expect(message.key).toBe('Comp785232');
    expect(message.value?.toString()).toBe(LINE);
    expect(headerText(message.headers, Header.source)).toBe('day-02');
    expect(headerText(message.headers, Header.line)).toBe('42');
    expect(headerText(message.headers, Header.sourceId)).toBe('0123456789abcdef/2');
  });

  it('round-trips: the consumer reads back exactly the fields the producer parsed', () => {
    const quoted = '1,2,"Comp,1",Comp2,6,Port1,80,1,1,1,1';
    const message = flowMessage(
      ['1', '2', 'Comp,1', 'Comp2', '6', 'Port1', '80', '1', '1', '1', '1'],
      Buffer.from(quoted),
      's',
      1,
      'stdin/1',
    );
    expect(readFlowValue(message.value as Buffer)).toEqual({
      kind: 'flow',
      fields: ['1', '2', 'Comp,1', 'Comp2', '6', 'Port1', '80', '1', '1', '1', '1'],
    });
  });

  it('keeps a rejected line raw, with its reason', () => {
    const raw = Buffer.from([0x31, 0xff, 0x2c]);
    const message = rejectedLineMessage(raw, 'f.csv', 7, 'not valid UTF-8', '0123456789abcdef/1');
    expect(message.value).toEqual(raw);
    expect(headerText(message.headers, Header.rejectedBy)).toBe(RejectedBy.line);
    expect(headerText(message.headers, Header.line)).toBe('7');
    expect(headerText(message.headers, Header.reason)).toBe('not valid UTF-8');
    expect(headerText(message.headers, Header.sourceId)).toBe('0123456789abcdef/1');
  });

  it('reads an unreadable value as invalid, never throws', () => {
    expect(readFlowValue(null).kind).toBe('invalid');
    expect(readFlowValue(Buffer.from('{"json":true}')).kind).toBe('invalid');
  });
});
