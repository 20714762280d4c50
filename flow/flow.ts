// The LANL 2017 netflow record: 11 comma-separated fields, in this order.

export const FLOW_FIELDS = [
  'Time',
  'Duration',
  'SrcDevice',
  'DstDevice',
  'Protocol',
  'SrcPort',
  'DstPort',
  'SrcPackets',
  'DstPackets',
  'SrcBytes',
  'DstBytes',
] as const;

export type FlowField = (typeof FLOW_FIELDS)[number];

/** Index of each field in a parsed line. */
export const Field = {
  Time: 0,
  Duration: 1,
  SrcDevice: 2,
  DstDevice: 3,
  Protocol: 4,
  SrcPort: 5,
  DstPort: 6,
  SrcPackets: 7,
  DstPackets: 8,
  SrcBytes: 9,
  DstBytes: 10,
} as const satisfies Record<FlowField, number>;

export const FIELD_COUNT = FLOW_FIELDS.length;

/** The destination port of a web request. */
export const WEB_PORT = '80';

/** A valid flow is a web request iff its DstPort is the integer 80 (`080` is 80 too). */
export function isWebRequest(fields: readonly string[]): boolean {
  const port = fields[Field.DstPort] as string;
  return port === WEB_PORT || (port.length > 2 && Number(port) === 80);
}
