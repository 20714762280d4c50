#!/usr/bin/env bash
# `npm run infra:down`: stops the Kafka broker and the Redis that infra:up started, nothing else.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

"$here/kafka.sh" stop
"$here/redis.sh" stop
