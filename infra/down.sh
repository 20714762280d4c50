#!/usr/bin/env bash
# `npm run infra:down`: stops the Kafka and the Redis that infra:up started, nothing else. The Kafka is
# the one KAFKA_NODES/KAFKA_PORT name if set, otherwise every one infra:up recorded (or, with no record,
# the default broker, if this checkout started it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
record="${FLOWWATCH_RUN_DIR:-$(dirname "$here")/.flowwatch}/infra-up"

if [[ -n "${KAFKA_NODES:-}${KAFKA_PORT:-}" || ! -f "$record" ]]; then
  kafka="$("$here/kafka.sh" env)"
  "$here/kafka.sh" stop
  if [[ -f "$record" ]]; then
    grep -vxF "$kafka" "$record" >"$record.next" || true
    mv "$record.next" "$record"
  fi
else
  while read -r -a settings; do env "${settings[@]}" "$here/kafka.sh" stop </dev/null; done <"$record"
  : >"$record"
fi
[[ ! -f "$record" || -s "$record" ]] || rm -f "$record"
"$here/redis.sh" stop
