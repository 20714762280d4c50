#!/usr/bin/env bash
# `npm run infra:up`: the local Kafka (one broker, or with KAFKA_NODES=3 a cluster of three) and, if none
# answers at REDIS_URL, a local Redis; returns once all accept connections and says where they are.
# With REDIS_SETUP=sentinel or REDIS_SETUP=cluster, a local Redis with high availability instead of the
# plain one (infra/redis-ha.sh), and the settings that point flowwatch at it. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
record="${FLOWWATCH_RUN_DIR:-$(dirname "$here")/.flowwatch}/infra-up"

# Recorded, so that infra:down stops what was started here whatever its own environment says.
remember() { grep -qxF "$1" "$record" 2>/dev/null || echo "$1" >>"$record"; }

# A REDIS_SETUP it cannot start is said before anything starts.
[[ -z "${REDIS_SETUP:-}" ]] || redis_setup="$("$here/redis-ha.sh" env)"

"$here/kafka.sh" start
remember "$("$here/kafka.sh" env)"
if [[ -z "${REDIS_SETUP:-}" ]]; then
  "$here/redis.sh" start
  node --disable-warning=TimeoutNegativeWarning "$here/wait-ready.ts"
else
  # Recorded before it starts, so that infra:down also stops a set-up that failed half-way.
  remember "$redis_setup"
  "$here/redis-ha.sh" start
  # The readiness check asks the set-up's first server, not whatever Redis settings the shell holds.
  env -u REDIS_SENTINELS -u REDIS_SENTINEL_NAME -u REDIS_CLUSTER_NODES \
    REDIS_URL="redis://127.0.0.1:$("$here/redis-ha.sh" port)" \
    node --disable-warning=TimeoutNegativeWarning "$here/wait-ready.ts"
  echo "flowwatch infra: to use it: export $("$here/redis-ha.sh" settings)"
fi
