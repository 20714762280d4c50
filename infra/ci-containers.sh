#!/usr/bin/env bash
# CI for the containers, as root on a Debian machine: installs docker.io, docker-compose and
# debootstrap if missing, starts a Docker engine if none answers (and stops it at the end only then),
# builds the stand-in images (kept between runs on the same machine), runs the container tests, then
# the compose walkthrough, which must end with the batch check agreeing, then the same on the
# three-node stack with a node killed. Exit 0 only if all pass.
# Usage: infra/ci-containers.sh   (from any directory; run after `npm ci`)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

run_dir="${FLOWWATCH_RUN_DIR:-$PWD/.flowwatch}"
compose=(docker-compose -f infra/docker-compose.yml -p flowwatch-ci)
cluster=(docker-compose -f infra/docker-compose.cluster.yml -p flowwatch-ci-cluster)
dockerd_pid=""
compose_up=""
cluster_up=""

say() { echo "flowwatch ci-containers: $*" >&2; }

cleanup() {
  if [[ -n "$compose_up" ]]; then "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true; fi
  if [[ -n "$cluster_up" ]]; then "${cluster[@]}" down -v --remove-orphans >/dev/null 2>&1 || true; fi
  if [[ -n "$dockerd_pid" ]]; then
    say "stopping the dockerd this run started"
    kill "$dockerd_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
  fi
}
trap cleanup EXIT

missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if ((${#missing[@]} > 0)); then
  say "installing ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
fi

if ! docker info >/dev/null 2>&1; then
  say "no Docker engine answers: starting dockerd (logs $run_dir/dockerd.log)"
  mkdir -p "$run_dir"
  dockerd >"$run_dir/dockerd.log" 2>&1 </dev/null &
  dockerd_pid=$!
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { say "dockerd did not answer within 30 s; see $run_dir/dockerd.log"; exit 1; }
fi

[[ -d node_modules ]] || npm ci --no-audit --no-fund

# (An assignment, not `eval "$(...)"`, so that a failing build stops the run.)
image_settings="$(infra/build-images.sh)"
eval "$image_settings"
export KAFKA_IMAGE REDIS_IMAGE NODE_IMAGE
export FLOWWATCH_IMAGE="${FLOWWATCH_IMAGE:-flowwatch:local}"

tests_started=$SECONDS
npm run test:containers
say "container tests passed in $((SECONDS - tests_started)) s"

# The walkthrough as a user runs it, detached so that the one-shot producer ending does not stop the
# rest; the verify container's exit code is the verdict.
smoke_started=$SECONDS
smoke_failed() {
  "${compose[@]}" logs --no-color --tail 60 || true
  say "compose walkthrough failed: $*"
  exit 1
}
"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
# One build: producer and verify share the consumer's image.
"${compose[@]}" build consumer
compose_up=yes
timeout 600 "${compose[@]}" up -d || smoke_failed "the services did not come up"
verify_container="$("${compose[@]}" ps -q verify)"
status="$(timeout 300 docker wait "$verify_container")" || smoke_failed "the batch check did not end within 5 minutes"
"${compose[@]}" logs --no-color producer verify
[[ "$status" == 0 ]] || smoke_failed "the batch check exited $status"
say "compose walkthrough passed in $((SECONDS - smoke_started)) s: stream and batch agree"
"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
compose_up=""

# The three-node stack, with a node killed once the topics exist: the producer and the consumers go
# on with the two left (each partition keeps a leader and two in-sync replicas), and stream and batch
# still agree. The consumers start first: they bring up the nodes and Redis and create the topics.
cluster_started=$SECONDS
cluster_failed() {
  "${cluster[@]}" logs --no-color --tail 40 || true
  say "three-node compose walkthrough failed: $*"
  exit 1
}
replicas_of() {
  "${cluster[@]}" exec -T kafka-1 /opt/kafka/bin/kafka-topics.sh --bootstrap-server localhost:9092 \
    --describe --topic "$1" 2>/dev/null | grep -o 'ReplicationFactor: [0-9]*' || true
}
"${cluster[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
cluster_up=yes
timeout 600 "${cluster[@]}" up -d consumer || cluster_failed "the nodes, Redis or the consumers did not come up"
for _ in $(seq 1 120); do
  [[ "$(replicas_of flows.invalid)" == "ReplicationFactor: 3" ]] && break
  sleep 1
done
for topic in flows flows.invalid; do
  [[ "$(replicas_of "$topic")" == "ReplicationFactor: 3" ]] || cluster_failed "$topic was not created with three replicas"
done
"${cluster[@]}" kill kafka-2
timeout 300 "${cluster[@]}" run --rm --no-deps producer || cluster_failed "the producer failed with a node down"
timeout 300 "${cluster[@]}" run --rm --no-deps verify || cluster_failed "stream and batch disagree with a node down"
say "three-node compose walkthrough passed in $((SECONDS - cluster_started)) s: a node killed, stream and batch agree"
say "all container checks passed in $SECONDS s; app image $FLOWWATCH_IMAGE: $(docker image inspect --format '{{.Size}}' "$FLOWWATCH_IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
