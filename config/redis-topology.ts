// Where the state's Redis is, from the settings that say it, and the key prefix that follows from it.
// The inner files: the state folder's face and the runtime's read the configuration (an import circle).
import { ErrorCode, FlowwatchError } from '../runtime/errors.ts';
import { clusterKeyPrefix } from '../state/cluster-key-prefix.ts';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/**
 * One server at REDIS_URL; a primary found through sentinels, which follow its failovers; or a Redis
 * Cluster found from seed nodes. REDIS_URL gives the login and TLS in every case (its host is used
 * only for a single server).
 */
export type RedisTopology =
  | { readonly kind: 'single' }
  | {
      readonly kind: 'sentinel';
      readonly sentinels: readonly HostPort[];
      /** The name the sentinels monitor the primary under. */
      readonly name: string;
      /** The sentinels' own password, when they have one. */
      readonly sentinelPassword: string | undefined;
    }
  | { readonly kind: 'cluster'; readonly nodes: readonly HostPort[] };

/** The topology settings as the schema leaves them. */
export interface TopologySettings {
  readonly REDIS_SENTINELS?: readonly string[] | undefined;
  readonly REDIS_SENTINEL_NAME: string;
  readonly REDIS_SENTINEL_PASSWORD?: string | undefined;
  readonly REDIS_CLUSTER_NODES?: readonly string[] | undefined;
}

/** The key prefix off a Redis Cluster when none is named (FLOWWATCH_KEY_PREFIX). */
export const DEFAULT_KEY_PREFIX = 'flowwatch';

const invalid = (message: string) => new FlowwatchError(ErrorCode.CONFIG_INVALID, message);

const hostPort = (node: string): HostPort => {
  const colon = node.lastIndexOf(':');
  return { host: node.slice(0, colon), port: Number(node.slice(colon + 1)) };
};

/** Nodes as the settings list them, `host:port` comma-separated; undefined for none. */
export const nodesText = (nodes: readonly HostPort[] | undefined) =>
  nodes?.map(({ host, port }) => `${host}:${port}`).join(',');

export function topologyOf(settings: TopologySettings): RedisTopology {
  const { REDIS_SENTINELS: sentinels, REDIS_CLUSTER_NODES: nodes } = settings;
  if (sentinels !== undefined && nodes !== undefined) {
    throw invalid(
      'REDIS_SENTINELS and REDIS_CLUSTER_NODES are both set: a Redis is found through sentinels or is a cluster, not both',
    );
  }
  if (sentinels !== undefined) {
    const topology: RedisTopology = {
      kind: 'sentinel',
      sentinels: sentinels.map(hostPort),
      name: settings.REDIS_SENTINEL_NAME,
      sentinelPassword: settings.REDIS_SENTINEL_PASSWORD,
    };
    // Not enumerable, as the SASL password: a configuration printed or logged by mistake does not show it.
    Object.defineProperty(topology, 'sentinelPassword', { enumerable: false });
    return topology;
  }
  if (nodes !== undefined) return { kind: 'cluster', nodes: nodes.map(hostPort) };
  return { kind: 'single' };
}

/** The key prefix asked for, or the default; on a Redis Cluster, one whose keys share a slot (state/). */
export function keyPrefixFor(topology: RedisTopology, asked: string | undefined): string {
  if (topology.kind !== 'cluster') return asked ?? DEFAULT_KEY_PREFIX;
  const prefix = clusterKeyPrefix(asked);
  if (prefix === undefined) {
    throw invalid(
      `FLOWWATCH_KEY_PREFIX is invalid: on a Redis Cluster it needs a hash tag so that every key of the state is in one slot, e.g. {${asked}}`,
    );
  }
  return prefix;
}
