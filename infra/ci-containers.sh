#!/usr/bin/env bash
# CI for the containers, as root on a Debian machine: installs docker.io, docker-compose and
# debootstrap if missing, starts a Docker engine if none answers (and stops it at the end only then),
# builds the stand-in images (kept between runs on the same machine), runs the container tests, then
# the compose walkthrough, which must end with the batch check agreeing. Exit 0 only if all pass.
# Usage: infra/ci-containers.sh   (from any directory; run after `npm ci`)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:$PATH"

run_dir="${FLOWWATCH_RUN_DIR:-$PWD/.flowwatch}"
compose=(docker-compose -f infra/docker-compose.yml -p flowwatch-ci)
dockerd_pid=""
compose_up=""

say() { echo "flowwatch ci-containers: $*" >&2; }

cleanup() {
  if [[ -n "$compose_up" ]]; then "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true; fi
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
say "all container checks passed in $SECONDS s; app image $FLOWWATCH_IMAGE: $(docker image inspect --format '{{.Size}}' "$FLOWWATCH_IMAGE" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
