#!/usr/bin/env bash
# `npm run infra:up`: a local Kafka broker and, if none answers at REDIS_URL, a local Redis; returns
# once both accept connections. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$here/kafka.sh" start
"$here/redis.sh" start
node --disable-warning=TimeoutNegativeWarning "$here/wait-ready.ts"
