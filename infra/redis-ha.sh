#!/usr/bin/env bash
# Starts, stops or reports a local Redis with high availability, from Debian's redis-server and
# redis-sentinel: with REDIS_SETUP=sentinel a primary, its replica and three sentinels that watch it
# under the name flowwatch; with REDIS_SETUP=cluster a Redis Cluster of three primaries with a replica
# each. Each server keeps its config, data and log in the run dir, so a stop and a start keep both the
# data and what the servers learnt (which node is primary now).
# Usage: infra/redis-ha.sh start|stop|status|env|settings|port   (start also starts again any server that
#        is down, on its data: e.g. after kill -9 $(cat .flowwatch/redis-sentinel-6380/redis-6380/redis.pid))
# Env: REDIS_SETUP (sentinel or cluster), REDIS_HA_PORT (the first server's port: for sentinel 6380,
#      the replica on the next port and the sentinels on REDIS_HA_PORT+20000..+20002, 26380-26382;
#      for cluster 7000, nodes on 7000-7005, bus ports +10000), FLOWWATCH_RUN_DIR (<checkout>/.flowwatch).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
run_dir="${FLOWWATCH_RUN_DIR:-$(dirname "$here")/.flowwatch}"
setup="${REDIS_SETUP:-}"
# The name the sentinels know the primary by; flowwatch's default REDIS_SENTINEL_NAME.
name=flowwatch

die() { echo "flowwatch infra: $*" >&2; exit 1; }

case "$setup" in
  sentinel) first="${REDIS_HA_PORT:-6380}" ;;
  cluster) first="${REDIS_HA_PORT:-7000}" ;;
  *) die "REDIS_SETUP is '$setup'; it can be sentinel (a primary, a replica, three sentinels) or cluster (a Redis Cluster of six nodes)" ;;
esac
[[ "$first" =~ ^[0-9]+$ ]] && ((first >= 1024 && first <= 45000)) || die "REDIS_HA_PORT is '$first'; give a port from 1024 to 45000"
if [[ "$setup" == sentinel ]]; then
  servers=("$first" $((first + 1)))
  sentinels=($((first + 20000)) $((first + 20001)) $((first + 20002)))
else
  mapfile -t servers < <(seq "$first" $((first + 5)))
  sentinels=()
fi
home="$run_dir/redis-$setup-$first"

addresses() {
  local port list=()
  for port in "$@"; do list+=("127.0.0.1:$port"); done
  (IFS=,; echo "${list[*]}")
}

# Each server's folder: its config (which the servers rewrite as their roles change), pid, log, data.
server_home() { if [[ " ${sentinels[*]} " == *" $1 "* ]]; then echo "$home/sentinel-$1"; else echo "$home/redis-$1"; fi; }

# The pid file's process, if it is still the server on that port (Redis puts host:port in its title).
running() {
  local pid_file
  pid_file="$(server_home "$1")/redis.pid"
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$(cat "$pid_file")/cmdline" 2>/dev/null | grep -qE ":$1( |$)"
}

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cli() { local port="$1"; shift; redis-cli -h 127.0.0.1 -p "$port" "$@" 2>/dev/null; }

# A field of an INFO-like answer (field:value lines).
field() { cli "$1" "${@:3}" | tr -d '\r' | sed -n "s/^$2://p"; }

# Written once: afterwards the servers own their config (Sentinel rewrites it after a failover).
write_server_config() {
  local port="$1" dir
  dir="$(server_home "$port")"
  [[ -f "$dir/redis.conf" ]] && return
  mkdir -p "$dir"
  {
    echo "port $port"
    echo "bind 127.0.0.1"
    echo "daemonize yes"
    echo "pidfile $dir/redis.pid"
    echo "logfile $dir/redis.log"
    echo "dir $dir"
    # Append-only persistence, as infra/redis.sh: counts and offsets survive a restart together.
    echo "appendonly yes"
    echo 'save ""'
    # A replica's full sync starts at once, not after 5 s of waiting for other replicas to join it.
    echo "repl-diskless-sync-delay 0"
    if [[ "$setup" == cluster ]]; then
      echo "cluster-enabled yes"
      echo "cluster-config-file nodes.conf"
      echo "cluster-node-timeout 3000"
    else
      echo "replica-announce-ip 127.0.0.1"
      [[ "$port" == "$first" ]] || echo "replicaof 127.0.0.1 $first"
    fi
  } >"$dir/redis.conf"
}

write_sentinel_config() {
  local port="$1" dir
  dir="$(server_home "$port")"
  [[ -f "$dir/sentinel.conf" ]] && return
  mkdir -p "$dir"
  # Quorum 2 of 3; a primary silent for 2 s is down; a failover that stalls is retried after 2 x 5 s.
  cat >"$dir/sentinel.conf" <<CONF
port $port
bind 127.0.0.1
daemonize yes
pidfile $dir/redis.pid
logfile $dir/sentinel.log
dir $dir
sentinel monitor $name 127.0.0.1 $first 2
sentinel down-after-milliseconds $name 2000
sentinel failover-timeout $name 5000
sentinel parallel-syncs $name 1
CONF
}

start_server() {
  local port="$1" dir
  dir="$(server_home "$port")"
  if running "$port"; then return; fi
  answers "$port" && die "port $port is taken by another process; choose another REDIS_HA_PORT"
  if [[ " ${sentinels[*]} " == *" $port "* ]]; then
    redis-sentinel "$dir/sentinel.conf" >/dev/null
  else
    redis-server "$dir/redis.conf" >/dev/null
  fi
}

# Up to 60 s for a condition, checked twice a second.
wait_until() {
  local what="$1"
  shift
  for _ in $(seq 1 120); do
    "$@" && return
    sleep 0.5
  done
  die "$what did not happen within 60 s; see the logs in $home"
}

all_answer() {
  local port
  for port in "$@"; do [[ "$(cli "$port" ping)" == PONG ]] || return 1; done
}

# Every sentinel knows the primary, a replica and the two other sentinels: a failover can be voted on.
sentinels_agree() {
  local port
  for port in "${sentinels[@]}"; do
    [[ "$(cli "$port" sentinel master "$name" | tr -d '\r' | sed -n '/^num-other-sentinels$/{n;p}')" == 2 ]] || return 1
    [[ "$(cli "$port" sentinel master "$name" | tr -d '\r' | sed -n '/^num-slaves$/{n;p}')" -ge 1 ]] || return 1
  done
}

cluster_ok() {
  local port
  for port in "${servers[@]}"; do [[ "$(field "$port" cluster_state cluster info)" == ok ]] || return 1; done
}

# Creates the cluster unless its nodes already know each other (a start after a stop).
form_cluster() {
  local port fresh=0
  for port in "${servers[@]}"; do
    [[ "$(field "$port" cluster_known_nodes cluster info)" == 1 ]] && fresh=$((fresh + 1))
  done
  ((fresh == 0)) && return
  ((fresh == ${#servers[@]})) \
    || die "only some of the cluster's nodes know each other; stop them and delete $home to start afresh"
  echo "flowwatch infra: creating the Redis Cluster (three primaries, a replica each)"
  local nodes=()
  for port in "${servers[@]}"; do nodes+=("127.0.0.1:$port"); done
  redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes >"$home/create.log" 2>&1 \
    || die "redis-cli --cluster create failed; see $home/create.log"
}

start() {
  local port started=() packages=(redis-server)
  [[ "$setup" == sentinel ]] && packages+=(redis-sentinel)
  "$here/system-packages.sh" "${packages[@]}"
  for port in "${servers[@]}" "${sentinels[@]}"; do running "$port" || started+=("$port"); done
  if ((${#started[@]} == 0)); then
    echo "flowwatch infra: Redis $setup set-up of ours already running on ports $(echo "${servers[@]}" "${sentinels[@]}" | tr ' ' ,)"
    return
  fi
  for port in "${servers[@]}"; do write_server_config "$port"; done
  for port in "${sentinels[@]}"; do write_sentinel_config "$port"; done
  for port in "${servers[@]}"; do start_server "$port"; done
  wait_until "Redis answering on ports ${servers[*]}" all_answer "${servers[@]}"
  if [[ "$setup" == cluster ]]; then
    form_cluster
    wait_until "every cluster node reporting cluster_state:ok" cluster_ok
  else
    for port in "${sentinels[@]}"; do start_server "$port"; done
    wait_until "every sentinel knowing the primary, its replica and the other sentinels" sentinels_agree
  fi
  echo "flowwatch infra: Redis $setup set-up started on ports $(echo "${started[@]}" | tr ' ' ,) (data and logs in $home)"
}

# Every server at once: a cluster primary waits for its replica on shutdown, which may be going too.
stop() {
  local port pid pids=() ports=()
  for port in "${sentinels[@]}" "${servers[@]}"; do
    if running "$port"; then
      pid="$(cat "$(server_home "$port")/redis.pid")"
      kill "$pid"
      pids+=("$pid")
      ports+=("$port")
    fi
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -9 "$pid" 2>/dev/null || true
  done
  if ((${#pids[@]} == 0)); then
    echo "flowwatch infra: no Redis $setup set-up of ours on ports $(echo "${servers[@]}" "${sentinels[@]}" | tr ' ' ,)"
  else
    echo "flowwatch infra: Redis $setup set-up on ports $(echo "${ports[@]}" | tr ' ' ,) stopped"
  fi
}

status() {
  local port down=0 role
  for port in "${servers[@]}" "${sentinels[@]}"; do
    if running "$port"; then
      role="$(cli "$port" role | head -n 1)"
      echo "127.0.0.1:$port: running (pid $(cat "$(server_home "$port")/redis.pid"), ${role:-not answering})"
    else
      echo "127.0.0.1:$port: stopped"
      down=1
    fi
  done
  return $((down * 3))
}

# The settings flowwatch reads to use this set-up.
settings() {
  if [[ "$setup" == sentinel ]]; then
    echo "REDIS_SENTINELS=$(addresses "${sentinels[@]}") REDIS_SENTINEL_NAME=$name"
  else
    # Every key in one slot: the prefix carries a hash tag, which flowwatch's Lua scripts need.
    echo "REDIS_CLUSTER_NODES=$(addresses "${servers[@]}") FLOWWATCH_KEY_PREFIX={$name}"
  fi
}

case "${1:-}" in
  start) mkdir -p "$home"; start ;;
  stop) stop ;;
  status) status ;;
  # What infra:up records, so that infra:down stops this set-up whatever its environment says then.
  env) echo "REDIS_SETUP=$setup REDIS_HA_PORT=$first" ;;
  settings) settings ;;
  # A data server's port, to check that Redis answers.
  port) echo "$first" ;;
  *) echo "usage: REDIS_SETUP=sentinel|cluster infra/redis-ha.sh start|stop|status|env|settings|port" >&2; exit 2 ;;
esac
