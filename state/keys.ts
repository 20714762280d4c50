// Every Redis key of the state, built in one place: `<prefix>:<name>`. Nothing outside `state/`
// names a key.

export const stateKeys = {
  /** Sorted set: member = DstDevice, score = web requests (DstPort 80) seen. */
  webservers: (prefix: string) => `${prefix}:webservers`,
  /** Hash: the running totals, fields named by `TOTAL_NAMES`. */
  totals: (prefix: string) => `${prefix}:totals`,
  /** Hash: field `<topic>/<partition>` (a partition id) = next offset to apply (everything below is in the state). */
  offsets: (prefix: string) => `${prefix}:offsets`,
  /** Hash: partition id = fencing epoch of the member allowed to write it. */
  owners: (prefix: string) => `${prefix}:owners`,
  /** Counter handing out fencing epochs, one per group join. */
  epoch: (prefix: string) => `${prefix}:epoch`,
  /** Sorted set per event-time hour H = floor(Time / 3600): member = DstDevice, score = web requests. */
  hour: (prefix: string, hour: number) => `${hourKeyBase(prefix)}${integerText(hour)}`,
  /** Sorted set: member = hour number H, score = web requests counted in that hour. */
  hours: (prefix: string) => `${prefix}:hours`,
  /** Sorted set: member = DstDevice, score = web requests that arrived after their hour was final. */
  late: (prefix: string) => `${prefix}:late`,
  /** Hash: partition id = highest event Time seen in that partition. */
  eventTimes: (prefix: string) => `${prefix}:event-times`,
  /** String: the watermark, in event-time seconds; hours ending at or before it are final. */
  watermark: (prefix: string) => `${prefix}:watermark`,
  /** String: the last batch check (`flowwatch verify`), see check-record.ts. */
  check: (prefix: string) => `${prefix}:check`,
  /** Hash: the topic and group a walkthrough made along with this state (see walkthrough-marker.ts). */
  walkthrough: (prefix: string) => `${prefix}:walkthrough`,
  /** String: the consumer group that counts into this state; members of any other group are refused. */
  group: (prefix: string) => `${prefix}:group`,
  /**
   * Hash: partition id = the offset its count starts at, for a partition counted without the messages
   * Kafka had already deleted (`consume --accept-partial`); absent for a partition counted whole.
   */
  partial: (prefix: string) => `${prefix}:partial`,
} as const;

/** `<prefix>:*`: the pattern of every key of the state under `prefix`, as messages name the state. */
export function stateKeyPattern(prefix: string): string {
  return `${prefix}:*`;
}

/** The fields of the totals hash, in the order the apply script receives their increments. */
export const TOTAL_NAMES = ['flows', 'webRequests', 'invalidLines', 'undecodable', 'timeOutliers'] as const;
export type TotalName = (typeof TOTAL_NAMES)[number];

/**
 * An integer in plain digits, as Redis and the scripts read one: `String` writes 1e21 as "1e+21" and
 * rounds the digits of integers beyond 2^53, which a valid flow's Time (any digits) can reach.
 */
export function integerText(value: number): string {
  return Number.isSafeInteger(value) ? String(value) : BigInt(Math.trunc(value)).toString();
}

/** What every per-hour key starts with; the hour number follows (the scripts build hour keys from it). */
export function hourKeyBase(prefix: string): string {
  return `${prefix}:hour:`;
}

/** The fixed keys of one prefix (not the per-hour sets), in the order delete-state takes them. */
export function fixedStateKeys(prefix: string): string[] {
  const { hour: _hour, ...fixed } = stateKeys;
  return Object.values(fixed).map((key) => key(prefix));
}

/** `<topic>/<partition>`: how the state names a partition (the field of the per-partition hashes). */
export type PartitionId = string;

export function partitionId(topic: string, partition: number): PartitionId {
  return `${topic}/${partition}`;
}

/** The topic and partition a partition id names (a topic name has no `/`). */
export function partitionOf(id: PartitionId): { readonly topic: string; readonly partition: number } {
  const slash = id.lastIndexOf('/');
  return { topic: id.slice(0, slash), partition: Number(id.slice(slash + 1)) };
}
