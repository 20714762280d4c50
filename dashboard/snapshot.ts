// The wire format of the dashboard: one snapshot of the state, pushed to the page as JSON. Shared by
// the server and the page's script, so this file imports types only (erased when the page is served).
// The inner file: the page's own typecheck (browser types, dashboard/page/tsconfig.json) reads this
// file, and the state folder's face would bring the Redis client and Node's types into it.
import type { CheckRecord } from '../state/check-record.ts';

export type { CheckRecord };

export interface DeviceCount {
  readonly device: string;
  readonly webRequests: number;
}

export interface SnapshotTotals {
  readonly flows: number;
  readonly webRequests: number;
  readonly invalidLines: number;
  readonly undecodable: number;
  /** Flows whose Time was beyond the consumers' plausibility bound: in no hour. */
  readonly timeOutliers: number;
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  readonly applied: number;
  readonly end: number;
  readonly lag: number;
}

/** Web requests per event-time hour for a few devices; `counts[i]` belongs to `hours[i]`. */
export interface HourlySeries {
  readonly hours: readonly number[];
  /** Hours counted before the first of `hours`: the chart shows only the last ones. */
  readonly earlierHours: number;
  readonly devices: readonly { readonly device: string; readonly counts: readonly number[] }[];
}

export interface Snapshot {
  /** When it was read (ISO date). */
  readonly at: string;
  readonly topic: string;
  /** The pattern of the state's keys, as state/ builds it (the page names the state by it). */
  readonly keyPattern: string;
  /** False: nothing below was read (the page keeps showing the last state it had). */
  readonly redisReachable: boolean;
  /** False: lag and produced flows/s are unknown. */
  readonly kafkaReachable: boolean;
  readonly minCount: number;
  readonly top: readonly DeviceCount[];
  /** Devices with at least `minCount` web requests: the likely web servers. */
  readonly devicesAtMinCount: number;
  readonly totals: SnapshotTotals | null;
  /** What went to the dead-letter topic: invalid lines plus messages a consumer could not read. */
  readonly deadLetters: number | null;
  readonly partitions: readonly PartitionLag[];
  /** Rate of change of the flow topic's end offsets; null until two readings exist. */
  readonly producedPerSecond: number | null;
  /** Rate of change of the flows counted in Redis; null until two readings exist. */
  readonly consumedPerSecond: number | null;
  /** Event-time seconds; hours ending at or before it are final. Null before the consumers set one. */
  readonly watermark: number | null;
  readonly hourly: HourlySeries;
  /** The last batch check, as `flowwatch verify` leaves it. */
  readonly check: CheckRecord | null;
  /**
   * Partitions counted without the messages Kafka had deleted (consume --accept-partial): the offset
   * each count starts at; empty when every partition is counted whole.
   */
  readonly countedFrom: Readonly<Record<string, number>>;
}
