// The validity rule read straight from bytes, for the hot paths (a message value in the consumer, a
// file line in the producer's and verify's scanner): a plain ASCII flow is decided here without a
// string or an array; anything else is left to readFlowValue / parseFlowLine.
import { FIELD_COUNT, Field } from './flow.ts';

/** What the bytes are: a flow (web request or not), or a case only readFlowValue decides exactly. */
export const FlowBytes = {
  /** Not decided here: blank, invalid, quoted, non-ASCII, or a Time too long to read exactly. */
  undecided: 0,
  /** A valid flow whose DstPort is not 80. */
  flow: 1,
  /** A valid flow whose DstPort is 80. */
  webRequest: 2,
} as const;
export type FlowBytesKind = (typeof FlowBytes)[keyof typeof FlowBytes];

/** Filled in by readFlowBytes, one object reused for every value. */
export interface FlowBytesView {
  /** The flow's Time, as Number() would read the field. */
  time: number;
  /** DstDevice's bytes (a flow's key), for every flow decided. */
  deviceStart: number;
  deviceEnd: number;
}

const CR = 0x0d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const ZERO = 0x30;
const NINE = 0x39;
const ASCII_END = 0x80;
const MAX_PROTOCOL = 255;
const MAX_PORT = 65_535;
const WEB_PORT = 80;
/** Digits a double holds exactly (below 2^53): a longer Time is read by Number() on the slow path. */
const EXACT_DIGITS = 15;
const NOT_A_NUMBER = -1;
const NEITHER = -2;
/** `Port` in ASCII: the anonymised port's prefix. */
const PORT_PREFIX = [0x50, 0x6f, 0x72, 0x74];

const fieldStarts = new Int32Array(FIELD_COUNT + 1);

/**
 * Decides `bytes[start, end)` as parseFlowLine would, where that is cheap: a value of ASCII without
 * quotes (the LANL files) is split and checked in place. Every other value (blank, invalid, quoted,
 * non-ASCII) is `undecided`, and its caller reads it with readFlowValue, so that both agree exactly.
 */
export function readFlowBytes(bytes: Uint8Array, start: number, end: number, view: FlowBytesView): FlowBytesKind {
  // parseFlowLine drops one CR from the bytes, parseFlowText one more from the text.
  if (end > start && bytes[end - 1] === CR) end--;
  if (end > start && bytes[end - 1] === CR) end--;
  if (end === start) return FlowBytes.undecided;
  let fields = 1;
  fieldStarts[0] = start;
  for (let i = start; i < end; i++) {
    const c = bytes[i] as number;
    if (c >= ASCII_END || c === QUOTE) return FlowBytes.undecided;
    if (c === COMMA) {
      if (fields === FIELD_COUNT) return FlowBytes.undecided;
      fieldStarts[fields++] = i + 1;
    }
  }
  if (fields !== FIELD_COUNT) return FlowBytes.undecided;
  fieldStarts[FIELD_COUNT] = end + 1;
  for (const index of COUNT_FIELDS) {
    if (digitsValue(bytes, index) === NOT_A_NUMBER) return FlowBytes.undecided;
  }
  if (fieldEnd(Field.SrcDevice) === fieldStart(Field.SrcDevice)) return FlowBytes.undecided;
  if (fieldEnd(Field.DstDevice) === fieldStart(Field.DstDevice)) return FlowBytes.undecided;
  const protocol = digitsValue(bytes, Field.Protocol);
  if (protocol === NOT_A_NUMBER || protocol > MAX_PROTOCOL) return FlowBytes.undecided;
  if (portValue(bytes, Field.SrcPort) === NEITHER) return FlowBytes.undecided;
  const port = portValue(bytes, Field.DstPort);
  if (port === NEITHER) return FlowBytes.undecided;
  const time = timeValue(bytes);
  if (time === NOT_A_NUMBER) return FlowBytes.undecided;
  view.time = time;
  view.deviceStart = fieldStart(Field.DstDevice);
  view.deviceEnd = fieldEnd(Field.DstDevice);
  return port === WEB_PORT ? FlowBytes.webRequest : FlowBytes.flow;
}

const COUNT_FIELDS = [Field.Time, Field.Duration, Field.SrcPackets, Field.DstPackets, Field.SrcBytes, Field.DstBytes];

function fieldStart(index: number): number {
  return fieldStarts[index] as number;
}

/** Every field but the last ends one byte before the next one starts (its comma). */
function fieldEnd(index: number): number {
  return (fieldStarts[index + 1] as number) - 1;
}

/**
 * A field of one or more digits: its value, capped just above the largest bound checked against
 * (65,535) so that any length stays an exact small integer; NOT_A_NUMBER otherwise.
 */
function digitsValue(bytes: Uint8Array, index: number): number {
  const from = fieldStart(index);
  const to = fieldEnd(index);
  if (to === from) return NOT_A_NUMBER;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = bytes[i] as number;
    if (c < ZERO || c > NINE) return NOT_A_NUMBER;
    if (n <= MAX_PORT) n = n * 10 + (c - ZERO);
  }
  return n;
}

/** A port field: its number (0..65535), -1 for `PortNNN`, NEITHER for anything else. */
function portValue(bytes: Uint8Array, index: number): number {
  const n = digitsValue(bytes, index);
  if (n !== NOT_A_NUMBER) return n <= MAX_PORT ? n : NEITHER;
  const from = fieldStart(index);
  const to = fieldEnd(index);
  if (to - from <= PORT_PREFIX.length) return NEITHER;
  for (let i = 0; i < PORT_PREFIX.length; i++) if (bytes[from + i] !== PORT_PREFIX[i]) return NEITHER;
  for (let i = from + PORT_PREFIX.length; i < to; i++) {
    const c = bytes[i] as number;
    if (c < ZERO || c > NINE) return NEITHER;
  }
  return NOT_A_NUMBER;
}

/** Time's value when it has at most EXACT_DIGITS significant digits (already checked to be digits). */
function timeValue(bytes: Uint8Array): number {
  let i = fieldStart(Field.Time);
  const to = fieldEnd(Field.Time);
  while (i < to - 1 && bytes[i] === ZERO) i++;
  if (to - i > EXACT_DIGITS) return NOT_A_NUMBER;
  let n = 0;
  for (; i < to; i++) n = n * 10 + ((bytes[i] as number) - ZERO);
  return n;
}
