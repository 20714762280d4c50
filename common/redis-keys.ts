// Every Redis key flowwatch writes, built in one place: `<prefix>:<name>`.

export const redisKeys = {
  /** Sorted set: member = DstDevice, score = web requests (DstPort 80) seen. */
  webservers: (prefix: string) => `${prefix}:webservers`,
  /** Hash: flows, webRequests, invalidLines, undecodable. */
  totals: (prefix: string) => `${prefix}:totals`,
  /** Hash: field `<topic>/<partition>` = next offset to apply (everything below is in the state). */
  offsets: (prefix: string) => `${prefix}:offsets`,
  /** Hash: field `<topic>/<partition>` = fencing epoch of the member allowed to write it. */
  owners: (prefix: string) => `${prefix}:owners`,
  /** Counter handing out fencing epochs, one per group join. */
  epoch: (prefix: string) => `${prefix}:epoch`,
  /** Sorted set per event-time hour H = floor(Time / 3600): member = DstDevice, score = web requests. */
  hour: (prefix: string, hour: number) => `${hourKeyBase(prefix)}${hour}`,
  /** Sorted set: member = hour number H, score = web requests counted in that hour. */
  hours: (prefix: string) => `${prefix}:hours`,
  /** Sorted set: member = DstDevice, score = web requests that arrived after their hour was final. */
  late: (prefix: string) => `${prefix}:late`,
  /** Hash: field `<topic>/<partition>` = highest event Time seen in that partition. */
  eventTimes: (prefix: string) => `${prefix}:event-times`,
  /** String: the watermark, in event-time seconds; hours ending at or before it are final. */
  watermark: (prefix: string) => `${prefix}:watermark`,
  /** String: JSON summary of the last batch check (`flowwatch verify`). */
  check: (prefix: string) => `${prefix}:check`,
} as const;

/** What every per-hour key starts with; the hour number follows. */
export function hourKeyBase(prefix: string): string {
  return `${prefix}:hour:`;
}

/** The fixed keys of one prefix (not the per-hour sets: see `hourKeys`), for a reset or a cleanup. */
export function allStateKeys(prefix: string): string[] {
  const { hour: _hour, ...fixed } = redisKeys;
  return Object.values(fixed).map((key) => key(prefix));
}

export function partitionField(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}
