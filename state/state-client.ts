// The one Redis client type the state is read and written through: one server, a primary behind
// sentinels, or a Redis Cluster (the keys share a slot through the prefix's hash tag, and the
// scripts take every key they touch in KEYS).
import type { RedisClient } from './redis-client.ts';

export type StateClient = RedisClient;
