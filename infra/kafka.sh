#!/usr/bin/env bash
# Starts, stops or reports the local Apache Kafka (KRaft) from jars resolved by infra/pom.xml: one broker,
# or with KAFKA_NODES=3 a cluster of three nodes that are each broker and controller.
# Usage: infra/kafka.sh start|stop|status|brokers|env|jars
#        infra/kafka.sh start-node|stop-node N   (one node of a cluster; its data is kept)
# Env: KAFKA_NODES (1 or 3), KAFKA_PORT (9092; 19092 for a cluster, whose node n listens on
#      KAFKA_PORT+2(n-1) and its controller on the port after), KAFKA_CONTROLLER_PORT (one broker:
#      KAFKA_PORT+1), FLOWWATCH_RUN_DIR (<checkout>/.flowwatch), KAFKA_HEAP (1g; 512m per cluster node).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
run_dir="${FLOWWATCH_RUN_DIR:-$root/.flowwatch}"
# The jars are shared by every broker of the checkout; data is per node.
libs="${KAFKA_LIBS_DIR:-$root/.flowwatch/kafka-libs}"
nodes="${KAFKA_NODES:-1}"
# Logging as in the container image. Kafka logs through slf4j to reload4j (log4j.properties) and
# configures log4j2 itself, which prints an ERROR line unless it too has a file. Tools log warnings
# only, to stderr, so that their standard output is their answer alone.
logging="$here/images/kafka"
log4j2="-Dlog4j2.configurationFile=$logging/log4j2.properties"

die() { echo "flowwatch infra: $*" >&2; exit 1; }

case "$nodes" in
  1) port="${KAFKA_PORT:-9092}" heap="${KAFKA_HEAP:-1g}" ;;
  3) port="${KAFKA_PORT:-19092}" heap="${KAFKA_HEAP:-512m}" ;;
  *) die "KAFKA_NODES is $nodes; it can be 1 (one broker) or 3 (a cluster)" ;;
esac
mapfile -t all < <(seq 1 "$nodes")

client_port() { echo $((port + 2 * ($1 - 1))); }
controller_port() {
  if ((nodes == 1)); then echo "${KAFKA_CONTROLLER_PORT:-$((port + 1))}"; else echo $((port + 2 * $1 - 1)); fi
}
# Each node (one per client port) has its own data, so a test's broker never touches the user's.
node_home() { echo "$run_dir/kafka-$(client_port "$1")"; }
brokers() {
  local n list=()
  for n in "${all[@]}"; do list+=("127.0.0.1:$(client_port "$n")"); done
  (IFS=,; echo "${list[*]}")
}

need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not installed; $2"
}

# The pid file's process, if it is still this node's broker (a pid can be reused after a crash).
running() {
  local pid_file
  pid_file="$(node_home "$1")/broker.pid"
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$(cat "$pid_file")/cmdline" 2>/dev/null | grep -qF "$(node_home "$1")/server.properties"
}

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A short-lived JVM starts quickest with the simple compiler and collector.
tool() {
  java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$libs/*" \
    -Dlog4j.configuration="file:$logging/tools-log4j.properties" "$log4j2" "$@"
}

# COUNT new Kafka UUIDs, one per line, from as many random-uuid runs at once. Each is the last line of
# the tool's output that has the form of one, whatever logging printed before it.
random_uuids() {
  local i id out
  out="$(mktemp -d)"
  for i in $(seq 1 "$1"); do tool kafka.tools.StorageTool random-uuid >"$out/$i" & done
  wait
  for i in $(seq 1 "$1"); do
    id="$(grep -E '^[A-Za-z0-9_-]{22}$' "$out/$i" | tail -n 1)" || true
    [[ -n "$id" ]] || die "kafka.tools.StorageTool random-uuid printed no id"
    echo "$id"
  done
  rm -rf "$out"
}

jars() {
  # The pom's checksum names the jar set, so a version change in infra/pom.xml resolves again.
  local stamp
  stamp="$(sha256sum "$here/pom.xml" | cut -c1-16)"
  if [[ -f "$libs/.stamp" && "$(cat "$libs/.stamp")" == "$stamp" ]]; then
    return
  fi
  need java "install a Java 17+ runtime (Debian: apt-get install -y openjdk-17-jre-headless)"
  need mvn "install Apache Maven (Debian: apt-get install -y maven)"
  echo "flowwatch infra: resolving Kafka jars from Maven Central (once)..."
  rm -rf "$libs"
  mkdir -p "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$libs" >"$run_dir/maven.log" 2>&1 \
    || die "Maven could not resolve the Kafka jars; see $run_dir/maven.log"
  echo "$stamp" >"$libs/.stamp"
}

write_config() {
  local n="$1" home controllers="" quorum replicas=1 min_isr=1 i
  home="$(node_home "$n")"
  mkdir -p "$home/data"
  if ((nodes == 1)); then
    quorum="controller.quorum.voters=1@127.0.0.1:$(controller_port 1)"
  else
    for i in "${all[@]}"; do controllers+="${controllers:+,}127.0.0.1:$(controller_port "$i")"; done
    quorum="controller.quorum.bootstrap.servers=$controllers"
    replicas=3 min_isr=2
  fi
  cat >"$home/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
$quorum
listeners=PLAINTEXT://127.0.0.1:$(client_port "$n"),CONTROLLER://127.0.0.1:$(controller_port "$n")
advertised.listeners=PLAINTEXT://127.0.0.1:$(client_port "$n")$( ((nodes == 1)) || echo ",CONTROLLER://127.0.0.1:$(controller_port "$n")")
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$home/data
num.partitions=4
default.replication.factor=$replicas
offsets.topic.replication.factor=$replicas
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=$replicas
transaction.state.log.min.isr=$min_isr
min.insync.replicas=$min_isr
unclean.leader.election.enable=false
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
}

formatted() { [[ -f "$(node_home "$1")/data/meta.properties" ]]; }

# One cluster id for every node; a cluster's nodes also learn the first controller quorum, each voter
# with the directory id its node is formatted with. The nodes are formatted at once.
format() {
  local n count=0 uuids ids voters="" initial=() pids=()
  for n in "${all[@]}"; do formatted "$n" && count=$((count + 1)); done
  ((count == nodes)) && return
  ((count == 0)) || die "only $count of the $nodes nodes have data; delete $run_dir/kafka-<port> of each and start again"
  uuids="$(random_uuids $((nodes == 1 ? 1 : nodes + 1)))"
  mapfile -t ids <<<"$uuids"
  if ((nodes > 1)); then
    for n in "${all[@]}"; do voters+="${voters:+,}$n@127.0.0.1:$(controller_port "$n"):${ids[n]}"; done
    initial=(--initial-controllers "$voters")
  fi
  for n in "${all[@]}"; do
    tool kafka.tools.StorageTool format -t "${ids[0]}" -c "$(node_home "$n")/server.properties" "${initial[@]}" \
      >"$(node_home "$n")/format.log" 2>&1 &
    pids+=("$!")
  done
  for n in "${all[@]}"; do
    wait "${pids[n - 1]}" || die "formatting the Kafka storage failed; see $(node_home "$n")/format.log"
  done
}

start_node() {
  local n="$1" home
  home="$(node_home "$n")"
  if running "$n"; then
    echo "flowwatch infra: Kafka already running on 127.0.0.1:$(client_port "$n") (pid $(cat "$home/broker.pid"))"
    return
  fi
  answers "$(client_port "$n")" && die "port $(client_port "$n") is taken by another process; choose another KAFKA_PORT"
  # setsid: the broker outlives the npm script that started it, in a session of its own.
  setsid java "-Xmx$heap" -Xms256m -XX:+UseG1GC -Dlog4j.configuration="file:$logging/log4j.properties" "$log4j2" \
    -cp "$libs/*" kafka.Kafka "$home/server.properties" >"$home/broker.log" 2>&1 </dev/null &
  echo $! >"$home/broker.pid"
  echo "flowwatch infra: Kafka node $n starting on 127.0.0.1:$(client_port "$n") (pid $!, logs $home/broker.log)"
}

start() {
  local n
  mkdir -p "$run_dir"
  need java "install a Java 17+ runtime (Debian: apt-get install -y openjdk-17-jre-headless)"
  for n in "${all[@]}"; do
    running "$n" && continue
    if answers "$(client_port "$n")"; then
      # Someone else's broker: use it (the readiness check tells if it is one), and leave it alone at
      # infra:down. A cluster's node cannot be someone else's.
      ((nodes == 1)) || die "port $(client_port "$n") is taken by another process; choose another KAFKA_PORT"
      echo "flowwatch infra: port $port already answers; using the broker there (not started here, not stopped by infra:down)"
      return
    fi
  done
  jars
  for n in "${all[@]}"; do running "$n" || write_config "$n"; done
  format
  for n in "${all[@]}"; do start_node "$n"; done
}

# Stops the given nodes together: one by one, the last of a cluster would wait for a controller quorum
# that is already gone.
stop() {
  local n pid pids=() ports=()
  for n in "$@"; do
    if running "$n"; then
      pid="$(cat "$(node_home "$n")/broker.pid")"
      kill "$pid"
      pids+=("$pid")
      ports+=("$(client_port "$n")")
    else
      rm -f "$(node_home "$n")/broker.pid"
      echo "flowwatch infra: no Kafka of ours on port $(client_port "$n")"
    fi
  done
  # A clean shutdown takes a few seconds; after 30 s it is forced, so infra:down always ends.
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -9 "$pid" 2>/dev/null || true
  done
  for n in "$@"; do rm -f "$(node_home "$n")/broker.pid"; done
  ((${#pids[@]} == 0)) || echo "flowwatch infra: Kafka on port ${ports[*]} stopped"
}

status() {
  local n down=0
  for n in "${all[@]}"; do
    if running "$n"; then
      echo "node $n (127.0.0.1:$(client_port "$n")): running (pid $(cat "$(node_home "$n")/broker.pid"))"
    else
      echo "node $n (127.0.0.1:$(client_port "$n")): stopped"
      down=1
    fi
  done
  return $((down * 3))
}

node_arg() {
  [[ "${1:-}" =~ ^[0-9]+$ ]] && (($1 >= 1 && $1 <= nodes)) || die "give a node number from 1 to $nodes"
  formatted "$1" || die "node $1 has no data yet; run infra/kafka.sh start first"
  echo "$1"
}

case "${1:-}" in
  start) start ;;
  stop) stop "${all[@]}" ;;
  start-node) n="$(node_arg "${2:-}")"; need java "install a Java 17+ runtime"; start_node "$n" ;;
  stop-node) stop "$(node_arg "${2:-}")" ;;
  status) status ;;
  brokers) brokers ;;
  # What infra:up records, so that infra:down stops this Kafka whatever its environment says then.
  env) echo "KAFKA_NODES=$nodes KAFKA_PORT=$port KAFKA_CONTROLLER_PORT=$(controller_port 1)" ;;
  jars) mkdir -p "$run_dir"; jars; echo "$libs" ;;
  *) echo "usage: infra/kafka.sh start|stop|status|brokers|env|jars|start-node N|stop-node N" >&2; exit 2 ;;
esac
