// One line of a flow file or one message value, turned into fields: a plain split when the line has
// no quotes (the LANL files never do), csv-parse's RFC 4180 parser when it has.
import { isUtf8 } from 'node:buffer';
import { parse } from 'csv-parse/sync';
import { invalidReason } from './validity.ts';

/** Lines longer than this are rejected without being buffered whole (a LANL line is about 70 bytes). */
export const MAX_LINE_BYTES = 4096;

const CR = 0x0d;

export type LineResult =
  | { readonly kind: 'flow'; readonly fields: string[] }
  | { readonly kind: 'invalid'; readonly reason: string }
  | { readonly kind: 'blank' };

const BLANK: LineResult = { kind: 'blank' };
const NOT_UTF8: LineResult = { kind: 'invalid', reason: 'not valid UTF-8' };

/** Parses one line (without its LF; a trailing CR is ignored) into a flow, a rejection or a blank. */
export function parseFlowLine(line: Buffer): LineResult {
  const end = line.length > 0 && line[line.length - 1] === CR ? line.length - 1 : line.length;
  if (end === 0) return BLANK;
  const bytes = end === line.length ? line : line.subarray(0, end);
  if (!isUtf8(bytes)) return NOT_UTF8;
  return parseFlowText(bytes.toString('utf8'));
}

/** Parses one line already decoded (valid UTF-8 by construction), without its LF. */
export function parseFlowText(line: string): LineResult {
  const text = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (text.length === 0) return BLANK;
  let fields: string[];
  if (text.indexOf('"') === -1) {
    fields = text.split(',');
  } else {
    const quoted = splitQuoted(text);
    if (typeof quoted === 'string') return { kind: 'invalid', reason: quoted };
    fields = quoted;
  }
  const reason = invalidReason(fields);
  return reason === undefined ? { kind: 'flow', fields } : { kind: 'invalid', reason };
}

function splitQuoted(text: string): string[] | string {
  try {
    const records = parse(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
    if (records.length !== 1) return 'a quoted field spans lines';
    return records[0] as string[];
  } catch (error) {
    return `bad CSV quoting (${(error as { code?: string }).code ?? 'parse error'})`;
  }
}

const HEADER_START = /^"?Time"?(,|\r|$)/;

/** True for the optional header line: the first line, whose first field is `Time`. */
export function isHeaderLine(lineNumber: number, line: Buffer): boolean {
  return lineNumber === 1 && HEADER_START.test(line.toString('latin1', 0, 8));
}
