#!/usr/bin/env bash
# `npm run infra:up`: the local Kafka (one broker, or with KAFKA_NODES=3 a cluster of three) and, if none
# answers at REDIS_URL, a local Redis; returns once all accept connections and says where they are.
# Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
record="${FLOWWATCH_RUN_DIR:-$(dirname "$here")/.flowwatch}/infra-up"

"$here/kafka.sh" start
# Recorded, so that infra:down stops this Kafka whatever its own environment says.
kafka="$("$here/kafka.sh" env)"
grep -qxF "$kafka" "$record" 2>/dev/null || echo "$kafka" >>"$record"
"$here/redis.sh" start
node --disable-warning=TimeoutNegativeWarning "$here/wait-ready.ts"
