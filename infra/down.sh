#!/usr/bin/env bash
# `npm run infra:down`: stops the Kafka and the Redis that infra:up started, nothing else. The Kafka is
# the one KAFKA_NODES/KAFKA_PORT name if set, otherwise every one infra:up recorded (or, with no record,
# the default broker, if this checkout started it). Likewise the Redis Sentinel or Cluster set-up:
# the one REDIS_SETUP/REDIS_HA_PORT name if set, otherwise every one infra:up recorded.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
record="${FLOWWATCH_RUN_DIR:-$(dirname "$here")/.flowwatch}/infra-up"

# The recorded lines of Kafkas (KAFKA_...) or of Redis set-ups (REDIS_SETUP=...).
recorded() { grep "$@" "$record" 2>/dev/null || true; }
forget() {
  [[ -f "$record" ]] || return 0
  grep -vxF "$1" "$record" >"$record.next" || true
  mv "$record.next" "$record"
}

if [[ -n "${KAFKA_NODES:-}${KAFKA_PORT:-}" || ! -f "$record" ]]; then
  kafka="$("$here/kafka.sh" env)"
  "$here/kafka.sh" stop
  forget "$kafka"
else
  mapfile -t lines < <(recorded -v '^REDIS_SETUP=')
  for line in "${lines[@]}"; do
    read -r -a settings <<<"$line"
    env "${settings[@]}" "$here/kafka.sh" stop </dev/null
    forget "$line"
  done
fi
if [[ -n "${REDIS_SETUP:-}" ]]; then
  setup="$("$here/redis-ha.sh" env)"
  "$here/redis-ha.sh" stop
  forget "$setup"
else
  mapfile -t lines < <(recorded '^REDIS_SETUP=')
  for line in "${lines[@]}"; do
    read -r -a settings <<<"$line"
    env "${settings[@]}" "$here/redis-ha.sh" stop </dev/null
    forget "$line"
  done
fi
[[ ! -f "$record" || -s "$record" ]] || rm -f "$record"
"$here/redis.sh" stop
