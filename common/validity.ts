// The validity rule of CONTRACT.md, over one line's fields: a reason when the line is not a flow.
import { FIELD_COUNT, Field, FLOW_FIELDS } from './flow.ts';

const DIGITS = /^\d+$/;
const ANONYMISED_PORT = /^Port\d+$/;
const COUNT_FIELDS = [Field.Time, Field.Duration, Field.SrcPackets, Field.DstPackets, Field.SrcBytes, Field.DstBytes];

/** Why `fields` is not a valid flow, or undefined when it is one. */
export function invalidReason(fields: readonly string[]): string | undefined {
  if (fields.length !== FIELD_COUNT) return `expected ${FIELD_COUNT} fields, found ${fields.length}`;
  for (const index of COUNT_FIELDS) {
    if (!DIGITS.test(fields[index] as string)) return `${FLOW_FIELDS[index]} is not a non-negative integer`;
  }
  const protocol = fields[Field.Protocol] as string;
  if (!DIGITS.test(protocol) || Number(protocol) > 255) return 'Protocol is not an integer 0..255';
  if (!isPort(fields[Field.SrcPort] as string)) return 'SrcPort is neither an integer 0..65535 nor PortNNN';
  if (!isPort(fields[Field.DstPort] as string)) return 'DstPort is neither an integer 0..65535 nor PortNNN';
  if (fields[Field.SrcDevice] === '') return 'SrcDevice is empty';
  if (fields[Field.DstDevice] === '') return 'DstDevice is empty';
  return undefined;
}

function isPort(value: string): boolean {
  if (DIGITS.test(value)) return Number(value) <= 65535;
  return ANONYMISED_PORT.test(value);
}
