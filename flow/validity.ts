// The validity rule (docs/data-format.md), over one line's fields: a reason when the line is not a flow.
// On the hot path of every stage: character loops, no regular expressions, no allocation.
import { FIELD_COUNT, Field, FLOW_FIELDS } from './flow.ts';

const COUNT_FIELDS = [Field.Time, Field.Duration, Field.SrcPackets, Field.DstPackets, Field.SrcBytes, Field.DstBytes];
const ZERO = 48;
const NINE = 57;
const ANONYMISED_PORT_PREFIX = 'Port';
const MAX_PROTOCOL = 255;
const MAX_PORT = 65_535;

/** Why `fields` is not a valid flow, or undefined when it is one. */
export function invalidReason(fields: readonly string[]): string | undefined {
  if (fields.length !== FIELD_COUNT) return `expected ${FIELD_COUNT} fields, found ${fields.length}`;
  for (const index of COUNT_FIELDS) {
    if (!isDigits(fields[index] as string, 0)) return `${FLOW_FIELDS[index]} is not a non-negative integer`;
  }
  if (!isIntegerUpTo(fields[Field.Protocol] as string, MAX_PROTOCOL)) return 'Protocol is not an integer 0..255';
  if (!isPort(fields[Field.SrcPort] as string)) return 'SrcPort is neither an integer 0..65535 nor PortNNN';
  if (!isPort(fields[Field.DstPort] as string)) return 'DstPort is neither an integer 0..65535 nor PortNNN';
  if (fields[Field.SrcDevice] === '') return 'SrcDevice is empty';
  if (fields[Field.DstDevice] === '') return 'DstDevice is empty';
  return undefined;
}

/** True if `value` from `start` on is one or more ASCII digits. */
function isDigits(value: string, start: number): boolean {
  if (value.length <= start) return false;
  for (let i = start; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
  }
  return true;
}

/** True for digits only whose value is at most `max` (leading zeros allowed). */
function isIntegerUpTo(value: string, max: number): boolean {
  if (value.length === 0) return false;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
    n = n * 10 + (c - ZERO);
    if (n > max) return false;
  }
  return true;
}

function isPort(value: string): boolean {
  return (
    isIntegerUpTo(value, MAX_PORT) ||
    (value.startsWith(ANONYMISED_PORT_PREFIX) && isDigits(value, ANONYMISED_PORT_PREFIX.length))
  );
}
