// Pure aggregation of one partition batch: per-device web requests and the totals, no I/O.
import type { IHeaders } from 'kafkajs';
import { Field, Header, headerText, isWebRequest, RejectedBy, readFlowValue } from '../common/index.ts';

export interface BatchTally {
  flows: number;
  webRequests: number;
  invalidLines: number;
  undecodable: number;
  readonly devices: Map<string, number>;
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

export function emptyTally(): BatchTally {
  return { flows: 0, webRequests: 0, invalidLines: 0, undecodable: 0, devices: new Map(), rejects: [] };
}

/** Tallies the flow messages at offsets >= `from`. */
export function tallyFlows(messages: readonly TallyMessage[], from: number): BatchTally {
  const tally = emptyTally();
  for (const message of messages) {
    if (Number(message.offset) < from) continue;
    const result = readFlowValue(message.value);
    if (result.kind === 'flow') {
      tally.flows++;
      if (isWebRequest(result.fields)) {
        tally.webRequests++;
        const device = result.fields[Field.DstDevice] as string;
        tally.devices.set(device, (tally.devices.get(device) ?? 0) + 1);
      }
    } else {
      tally.undecodable++;
      const reason = result.kind === 'invalid' ? result.reason : 'blank message';
      tally.rejects.push({ value: message.value, headers: message.headers, offset: message.offset, reason });
    }
  }
  return tally;
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
