import { describe, expect, it } from 'vitest';
import { groupTiming } from '../../../consumer/group-timing.ts';

describe('how often a member speaks to its group', () => {
  it('heartbeats at least every quarter second, whatever its session timeout (so it hears of a join that soon)', () => {
    for (const session of [6000, 10_000, 60_000]) {
      expect(groupTiming(session).heartbeatIntervalMs).toBeLessThanOrEqual(250);
    }
  });

  it('keeps several heartbeats within a short session', () => {
    expect(groupTiming(600).heartbeatIntervalMs).toBe(200);
  });

  it('gives the members twice the session, at least ten seconds, to rejoin in a rebalance', () => {
    expect(groupTiming(6000).rebalanceTimeoutMs).toBe(12_000);
    expect(groupTiming(3000).rebalanceTimeoutMs).toBe(10_000);
  });
});
