// Message values near the LANL flow shape, each field now and then one meant to trip a check.
export { random } from './record-batches.ts';

export const VALID = '118781,49,Comp300446,Comp785232,6,Port48559,80,10,35,13910,28490';

const PIECES = [
  '',
  '0',
  '00',
  '7',
  '80',
  '080',
  '0080',
  '8080',
  '800',
  '255',
  '256',
  '65535',
  '65536',
  '0000065535',
  '999999999999999',
  '1000000000000000',
  '0000000000000000001',
  '12345678901234567890',
  'Port',
  'Port1',
  'Port80',
  'port80',
  'Port-1',
  'Comp1',
  'Comp"1',
  '"Comp1"',
  'é',
  '\r',
  ' ',
  '-1',
  '1.5',
  '+1',
  'x',
  'Comp,1',
  '\u00ff',
  '\ud83d\ude00',
];

/** A line near the LANL shape: each field a real one or a piece meant to trip one check. */
export function nearFlow(next: () => number): Buffer {
  const fields = VALID.split(',');
  const count = next() < 0.1 ? Math.floor(next() * 14) : 11;
  const line: string[] = [];
  for (let i = 0; i < count; i++) {
    line.push(next() < 0.4 ? (PIECES[Math.floor(next() * PIECES.length)] as string) : (fields[i] ?? '1'));
  }
  let text = line.join(',');
  const tail = next();
  if (tail < 0.1) text += '\r';
  else if (tail < 0.15) text += '\r\r';
  else if (tail < 0.17) text += '\r\r\r';
  const bytes = Buffer.from(text);
  // Now and then a byte that is not UTF-8 at all.
  if (next() < 0.03 && bytes.length > 0) bytes[Math.floor(next() * bytes.length)] = 0xff;
  return bytes;
}
