// The flow format: the LANL line, its validity rule (also read in place from a value's bytes), reading
// flow files, scanning them line by line, the Kafka message a flow becomes, and the dead-letter record
// of a line or message rejected.
export { FIELD_COUNT, Field, FLOW_FIELDS, type FlowField, isWebRequest, WEB_PORT } from './flow.ts';
export { FlowBytes, type FlowBytesKind, type FlowBytesView, readFlowBytes } from './flow-bytes.ts';
export { type FlowInput, openFlowInput } from './flow-input.ts';
export { isHeaderLine, type LineResult, MAX_LINE_BYTES, parseFlowLine, parseFlowText } from './flow-line.ts';
export {
  DEAD_LETTER_COPIED_HEADER_BYTES,
  DEAD_LETTER_VALUE_BYTES,
  type DeadLetterBounds,
  flowMessage,
  Header,
  headerText,
  RejectedBy,
  readFlowValue,
  rejectedLineMessage,
  rejectedMessage,
} from './flow-message.ts';
export { flowHeaders, plainFlowRecord, splitFlowRecord } from './flow-record.ts';
export { FlowScanner, type FlowVisitor, type ScanCounts } from './flow-scanner.ts';
export { deadLetterBounds, largestFlowBytes, refuseTopicsTooSmall } from './message-fit.ts';
export { RejectionLog } from './rejection-log.ts';
export {
  fingerprintFile,
  fingerprintOpenFile,
  formatSourceId,
  parseSourceId,
  type SourceId,
  STDIN_FINGERPRINT,
} from './source-identity.ts';
export { invalidReason } from './validity.ts';
