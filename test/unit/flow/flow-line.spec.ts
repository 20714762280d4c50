import { describe, expect, it } from 'vitest';
import { isHeaderLine, parseFlowLine } from '../../../flow/index.ts';

const VALID = '118781,49,Comp300446,Comp785232,6,Port48559,80,10,35,13910,28490';
const parse = (line: string | Buffer) => parseFlowLine(typeof line === 'string' ? Buffer.from(line) : line);
const reasonOf = (line: string | Buffer) => {
  const result = parse(line);
  return result.kind === 'invalid' ? result.reason : undefined;
};
const withField = (index: number, value: string) => {
  const fields = VALID.split(',');
  fields[index] = value;
  return fields.join(',');
};

describe('the validity rule', () => {
  it('accepts a LANL line with 11 well-formed fields', () => {
    expect(parse(VALID)).toEqual({ kind: 'flow', fields: VALID.split(',') });
  });

  it('accepts a CRLF line end and drops the CR', () => {
    const result = parse(`${VALID}\r`);
    expect(result.kind).toBe('flow');
    expect(result.kind === 'flow' && result.fields[10]).toBe('28490');
  });

  it('reads quoted fields per RFC 4180: "Comp1" means Comp1', () => {
    const result = parse('1,2,"Comp1","Comp""2",6,80,Port9,1,1,1,1');
    expect(result).toEqual({
      kind: 'flow',
      fields: ['1', '2', 'Comp1', 'Comp"2', '6', '80', 'Port9', '1', '1', '1', '1'],
    });
  });

  it('rejects a badly quoted line with a reason', () => {
    expect(reasonOf('1,2,"Comp1,Comp2,6,80,Port9,1,1,1,1')).toMatch(/quot/);
  });

  it('rejects a wrong field count', () => {
    expect(reasonOf('1,2,3')).toBe('expected 11 fields, found 3');
    expect(reasonOf(`${VALID},extra`)).toBe('expected 11 fields, found 12');
  });

  it.each([
    [0, 'Time'],
    [1, 'Duration'],
    [7, 'SrcPackets'],
    [8, 'DstPackets'],
    [9, 'SrcBytes'],
    [10, 'DstBytes'],
  ])('rejects a non-integer in field %i (%s)', (index, name) => {
    for (const bad of ['-1', '1.5', 'x', '', ' 1']) {
      expect(reasonOf(withField(index, bad))).toBe(`${name} is not a non-negative integer`);
    }
  });

  it('accepts protocols 0..255 and rejects others', () => {
    expect(parse(withField(4, '0')).kind).toBe('flow');
    expect(parse(withField(4, '255')).kind).toBe('flow');
    expect(reasonOf(withField(4, '256'))).toBe('Protocol is not an integer 0..255');
    expect(reasonOf(withField(4, 'tcp'))).toBe('Protocol is not an integer 0..255');
  });

  it('accepts numeric ports 0..65535 and PortNNN, rejects others', () => {
    for (const port of ['0', '65535', 'Port1', 'Port123456']) {
      expect(parse(withField(5, port)).kind).toBe('flow');
      expect(parse(withField(6, port)).kind).toBe('flow');
    }
    expect(reasonOf(withField(5, '65536'))).toMatch(/^SrcPort/);
    expect(reasonOf(withField(6, 'Port'))).toMatch(/^DstPort/);
    expect(reasonOf(withField(6, 'port80'))).toMatch(/^DstPort/);
  });

  it('rejects empty devices', () => {
    expect(reasonOf(withField(2, ''))).toBe('SrcDevice is empty');
    expect(reasonOf(withField(3, ''))).toBe('DstDevice is empty');
  });

  it('rejects bytes that are not UTF-8', () => {
    const line = Buffer.concat([Buffer.from('1,2,Comp'), Buffer.from([0xff, 0xfe]), Buffer.from(',D,6,1,80,1,1,1,1')]);
    expect(reasonOf(line)).toBe('not valid UTF-8');
  });

  it('treats an empty line and a lone CR as blank', () => {
    expect(parse('').kind).toBe('blank');
    expect(parse('\r').kind).toBe('blank');
  });

  it('recognises the header only on the first line', () => {
    const header = Buffer.from(
      'Time,Duration,SrcDevice,DstDevice,Protocol,SrcPort,DstPort,SrcPackets,DstPackets,SrcBytes,DstBytes',
    );
    expect(isHeaderLine(1, header)).toBe(true);
    expect(isHeaderLine(1, Buffer.from('"Time",Duration'))).toBe(true);
    expect(isHeaderLine(2, header)).toBe(false);
    expect(isHeaderLine(1, Buffer.from(VALID))).toBe(false);
    expect(isHeaderLine(1, Buffer.from('Timestamp,1'))).toBe(false);
  });
});
