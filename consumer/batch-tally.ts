// Pure aggregation of one partition batch: per-device web requests and the totals, no I/O.
import type { IHeaders } from 'kafkajs';
import { Field, Header, headerText, isWebRequest, type LineResult, RejectedBy, readFlowValue } from '../flow/index.ts';

export interface BatchTally {
  flows: number;
  webRequests: number;
  invalidLines: number;
  undecodable: number;
  /** Flows whose Time is beyond the plausibility bound: counted, but in no hour and not in `maxTime`. */
  timeOutliers: number;
  /** Highest event Time among the flows within the bound, or -1. */
  maxTime: number;
  /** Web requests per DstDevice. */
  readonly devices: Map<string, number>;
  /** Web requests per event-time hour, per DstDevice. */
  readonly hours: Map<number, Map<string, number>>;
  readonly rejects: UndecodableMessage[];
}

export interface UndecodableMessage {
  readonly value: Buffer | null;
  readonly headers: IHeaders | undefined;
  readonly offset: string;
  readonly reason: string;
}

export interface TallyMessage {
  readonly offset: string;
  readonly value: Buffer | null;
  readonly headers?: IHeaders;
}

const SECONDS_PER_HOUR = 3600;

/**
 * Default plausibility bound on a flow's Time, in seconds: 2^32 - 1 passes LANL's clock (under 8
 * million for its 90 days) and Unix times up to 2106, and keeps an absurd Time from moving the
 * watermark past every real hour.
 */
export const DEFAULT_MAX_EVENT_TIME_SECONDS = 2 ** 32 - 1;

export function emptyTally(): BatchTally {
  return {
    flows: 0,
    webRequests: 0,
    invalidLines: 0,
    undecodable: 0,
    timeOutliers: 0,
    maxTime: -1,
    devices: new Map(),
    hours: new Map(),
    rejects: [],
  };
}

/**
 * Tallies the flow messages at offsets >= `from`. A Time beyond `maxEventTime` is an outlier: the
 * flow counts (its web request too, in the all-time score) but it neither enters an hour nor moves
 * the watermark. The decision depends on the message alone, so a redelivered batch decides the same.
 */
export function tallyFlows(
  messages: readonly TallyMessage[],
  from: number,
  maxEventTime = DEFAULT_MAX_EVENT_TIME_SECONDS,
): BatchTally {
  const tally = emptyTally();
  for (const message of messages) {
    if (Number(message.offset) < from) continue;
    const result = readFlowValue(message.value);
    if (!countReadFlow(tally, result, maxEventTime)) countUndecodable(tally, message, result);
  }
  return tally;
}

/** Counts `result` when it is a flow; false when it is not (the caller counts it as undecodable). */
export function countReadFlow(tally: BatchTally, result: LineResult, maxEventTime: number): boolean {
  if (result.kind !== 'flow') return false;
  // Digits only is a valid Time, however many: beyond a double's range (309 digits) it is counted
  // at the largest one, so that its hour is a number Redis can hold.
  const time = Math.min(Number(result.fields[Field.Time]), Number.MAX_VALUE);
  const web = isWebRequest(result.fields);
  countFlow(tally, time, web ? (result.fields[Field.DstDevice] as string) : undefined, maxEventTime);
  return true;
}

/** Counts one valid flow at event time `time`, a web request to `device` when one is given. */
export function countFlow(tally: BatchTally, time: number, device: string | undefined, maxEventTime: number): void {
  tally.flows++;
  const outlier = time > maxEventTime;
  if (outlier) tally.timeOutliers++;
  else if (time > tally.maxTime) tally.maxTime = time;
  if (device === undefined) return;
  tally.webRequests++;
  tally.devices.set(device, (tally.devices.get(device) ?? 0) + 1);
  if (outlier) return;
  const hour = Math.floor(time / SECONDS_PER_HOUR);
  let perDevice = tally.hours.get(hour);
  if (perDevice === undefined) {
    perDevice = new Map();
    tally.hours.set(hour, perDevice);
  }
  perDevice.set(device, (perDevice.get(device) ?? 0) + 1);
}

/** Counts a message that is not a flow, kept to be dead-lettered with the reason. */
export function countUndecodable(tally: BatchTally, message: TallyMessage, result: LineResult): void {
  tally.undecodable++;
  const reason = result.kind === 'invalid' ? result.reason : 'blank message';
  tally.rejects.push({ value: message.value, headers: message.headers, offset: message.offset, reason });
}

/** Tallies dead letters at offsets >= `from`: lines the producer rejected count as invalid lines. */
export function tallyDeadLetters(messages: readonly TallyMessage[], from: number): BatchTally {
  const tally = emptyTally();
  for (const message of messages) {
    if (Number(message.offset) < from) continue;
    if (headerText(message.headers, Header.rejectedBy) === RejectedBy.line) tally.invalidLines++;
  }
  return tally;
}
