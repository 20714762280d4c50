// Web requests per event-time hour for the top devices, put in the shape the hourly chart draws.
import type { HourlySeries } from './snapshot.ts';

/**
 * `scoresPerHour[i][j]` is device j's score in hour `hours[i]`, as ZMSCORE returns it: null where the
 * device had no web request that hour. `earlierHours`: hours counted before `hours[0]`, left out.
 */
export function hourlySeries(
  hours: readonly number[],
  devices: readonly string[],
  scoresPerHour: readonly (readonly (string | null)[])[],
  earlierHours = 0,
): HourlySeries {
  return {
    hours,
    earlierHours,
    devices: devices.map((device, j) => ({
      device,
      counts: hours.map((_, i) => Number(scoresPerHour[i]?.[j] ?? 0)),
    })),
  };
}
