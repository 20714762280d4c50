#!/usr/bin/env bash
# Starts a local redis-server at REDIS_URL's port if nothing answers there; stops only one it started.
# Usage: infra/redis.sh start|stop|status
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
run_dir="${FLOWWATCH_RUN_DIR:-$root/.flowwatch}"
url="${REDIS_URL:-redis://localhost:6379}"

die() { echo "flowwatch infra: $*" >&2; exit 1; }

# redis://[user:password@]host[:port][/db]
hostport="${url#*://}"
hostport="${hostport##*@}"
hostport="${hostport%%/*}"
host="${hostport%%:*}"
port="${hostport##*:}"
[[ "$port" == "$hostport" ]] && port=6379
home="$run_dir/redis-$port"
pid_file="$home/redis.pid"

answers() {
  (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null || return 1
  command -v redis-cli >/dev/null 2>&1 || return 0
  [[ "$(redis-cli -u "$url" ping 2>/dev/null)" == "PONG" ]]
}

ours() {
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

start() {
  if answers; then
    if ours; then echo "flowwatch infra: Redis of ours already running at $host:$port"; else echo "flowwatch infra: using the Redis that answers at $host:$port"; fi
    return
  fi
  case "$host" in
    localhost|127.0.0.1) ;;
    *) die "no Redis answers at $host:$port, and only a local one can be started; check REDIS_URL" ;;
  esac
  command -v redis-server >/dev/null 2>&1 \
    || die "no Redis answers at $host:$port and redis-server is not installed (Debian: apt-get install -y redis-server)"
  mkdir -p "$home"
  # Append-only persistence: the counts and their offsets survive a restart of this Redis together.
  redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --pidfile "$pid_file" --dir "$home" \
    --appendonly yes --save "" --logfile "$home/redis.log" >/dev/null
  echo "flowwatch infra: Redis starting at 127.0.0.1:$port (logs $home/redis.log)"
}

stop() {
  if ! ours; then
    rm -f "$pid_file"
    echo "flowwatch infra: no Redis of ours at port $port"
    return
  fi
  local pid
  pid="$(cat "$pid_file")"
  kill "$pid"
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pid_file"
  echo "flowwatch infra: Redis at port $port stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if ours; then echo "running (pid $(cat "$pid_file"))"; elif answers; then echo "not ours, answering"; else echo "stopped"; exit 3; fi ;;
  *) echo "usage: infra/redis.sh start|stop|status" >&2; exit 2 ;;
esac
