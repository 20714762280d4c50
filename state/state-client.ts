// The one Redis client type the state is read and written through. Every module of `state/` takes
// this type, so widening it (to `Redis | Cluster`, once the keys carry a hash tag and the scripts
// take every key in KEYS) is a change in this file and the scripts, not in the callers.
import type { Redis } from 'ioredis';

export type StateClient = Redis;
