#!/usr/bin/env bash
# Starts, stops or reports a single-node Apache Kafka broker (KRaft) from jars resolved by infra/pom.xml.
# Usage: infra/kafka.sh start|stop|status|jars
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), FLOWWATCH_RUN_DIR (<checkout>/.flowwatch),
#      KAFKA_HEAP (1g).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
run_dir="${FLOWWATCH_RUN_DIR:-$root/.flowwatch}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
# The jars are shared by every broker of the checkout; data is per broker.
libs="${KAFKA_LIBS_DIR:-$root/.flowwatch/kafka-libs}"
# Each broker (one per port) has its own data, so a test broker never touches the user's.
home="$run_dir/kafka-$port"
pid_file="$home/broker.pid"

die() { echo "flowwatch infra: $*" >&2; exit 1; }

need() {
  command -v "$1" >/dev/null 2>&1 || die "$1 is not installed; $2"
}

running() {
  [[ -f "$pid_file" ]] && kill -0 "$(cat "$pid_file")" 2>/dev/null
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

start() {
  mkdir -p "$run_dir"
  if running; then
    echo "flowwatch infra: Kafka already running on 127.0.0.1:$port (pid $(cat "$pid_file"))"
    return
  fi
  need java "install a Java 17+ runtime (Debian: apt-get install -y openjdk-17-jre-headless)"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    # Something of someone else's listens there: use it if it is a broker (the readiness check
    # tells), and leave it alone at infra:down.
    echo "flowwatch infra: port $port already answers; using the broker there (not started here, not stopped by infra:down)"
    return
  fi
  jars
  mkdir -p "$home/data"
  cat >"$home/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$home/data
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  cat >"$home/log4j.properties" <<PROPS
log4j.rootLogger=INFO, stdout
log4j.logger.kafka.request.logger=WARN
log4j.logger.org.apache.kafka.controller=WARN
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
PROPS
  if [[ ! -f "$home/data/meta.properties" ]]; then
    local cluster_id
    cluster_id="$(java -cp "$libs/*" -Dlog4j.configuration="file:$home/log4j.properties" kafka.tools.StorageTool random-uuid)"
    java -cp "$libs/*" -Dlog4j.configuration="file:$home/log4j.properties" kafka.tools.StorageTool \
      format -t "$cluster_id" -c "$home/server.properties" >"$home/format.log" 2>&1 \
      || die "formatting the Kafka storage failed; see $home/format.log"
  fi
  # setsid: the broker outlives the npm script that started it, in a session of its own.
  setsid java "-Xmx${KAFKA_HEAP:-1g}" -Xms256m -XX:+UseG1GC \
    -Dlog4j.configuration="file:$home/log4j.properties" \
    -cp "$libs/*" kafka.Kafka "$home/server.properties" >"$home/broker.log" 2>&1 </dev/null &
  echo $! >"$pid_file"
  echo "flowwatch infra: Kafka starting on 127.0.0.1:$port (pid $!, logs $home/broker.log)"
}

stop() {
  if ! running; then
    rm -f "$pid_file"
    echo "flowwatch infra: no Kafka of ours on port $port"
    return
  fi
  local pid
  pid="$(cat "$pid_file")"
  kill "$pid"
  # A clean shutdown takes a few seconds; after 30 s it is forced, so infra:down always ends.
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pid_file"
  echo "flowwatch infra: Kafka on port $port stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running (pid $(cat "$pid_file"))"; else echo "stopped"; exit 3; fi ;;
  jars) mkdir -p "$run_dir"; jars; echo "$libs" ;;
  *) echo "usage: infra/kafka.sh start|stop|status|jars" >&2; exit 2 ;;
esac
