// The state's key prefix on a Redis Cluster: a Lua script may touch only keys of one slot, so every
// key of the state (the per-hour sets included) shares one, which a hash tag in the prefix gives them.

/** The default prefix on a Redis Cluster. */
export const CLUSTER_KEY_PREFIX = '{flowwatch}';

/** A hash tag as Redis Cluster reads one: the first `{...}` with something between the braces. */
function hasHashTag(prefix: string): boolean {
  const open = prefix.indexOf('{');
  return open !== -1 && prefix.indexOf('}', open + 1) > open + 1;
}

/** The prefix to use on a Redis Cluster: the one asked for, or the default; undefined: the one asked has no hash tag. */
export function clusterKeyPrefix(asked: string | undefined): string | undefined {
  if (asked === undefined) return CLUSTER_KEY_PREFIX;
  return hasHashTag(asked) ? asked : undefined;
}
