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
} as const;

/** All keys of one prefix, for a reset or a test's cleanup. */
export function allStateKeys(prefix: string): string[] {
  return Object.values(redisKeys).map((key) => key(prefix));
}

export function partitionField(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}
