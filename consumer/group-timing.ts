// How often a member speaks to its group's coordinator, given how long it may stay silent.
// A member joining a busy group waits until every member already in it has rejoined, and a member
// learns that a rebalance began only from the answer to its next heartbeat: the heartbeat interval
// is the time a newcomer spends waiting with nothing, on every join and every leave.

/** The heartbeat interval a member keeps, whatever its session timeout (a heartbeat is a tiny request). */
const HEARTBEAT_MS = 250;

export interface GroupTiming {
  /** How often the member tells the coordinator it is alive, and so hears of a rebalance. */
  readonly heartbeatIntervalMs: number;
  /** How long the coordinator waits for every member to rejoin in a rebalance. */
  readonly rebalanceTimeoutMs: number;
}

export function groupTiming(sessionTimeoutMs: number): GroupTiming {
  return {
    // Several heartbeats fit in a session even when one or two are late (a batch in hand).
    heartbeatIntervalMs: Math.min(HEARTBEAT_MS, Math.floor(sessionTimeoutMs / 3)),
    rebalanceTimeoutMs: Math.max(sessionTimeoutMs * 2, 10_000),
  };
}
