package flowwatch.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;

/**
 * flowwatch's question answered the way a Kafka user would by default: a Kafka Streams application
 * that counts the port-80 flows of a topic per destination device (the message key) in a state
 * store, with processing.guarantee=exactly_once_v2.
 *
 * Usage: WebServerCount <brokers> <topic> <application id> <replication factor> <state dir> [records]
 *
 * Prints {"running":true} once its partitions are assigned. Without [records] the topic is full
 * already, and the application is timed from then until its committed offsets reach the end of
 * every partition: under exactly-once every count up to there is committed with them. With
 * [records] the topic is being written meanwhile, and it waits for that many offsets committed.
 * Then prints one JSON line: records, seconds, recordsPerSecond, finishedAtMs (the wall clock).
 */
public final class WebServerCount {
  /** The destination port is the seventh field of a flow line. */
  private static final int DST_PORT_FIELD = 6;
  private static final long POLL_MS = 50;
  private static final long TIMEOUT_MS = 30 * 60 * 1000;

  private WebServerCount() {}

  /** True if the flow line's destination port is exactly "80". */
  static boolean toPort80(byte[] line) {
    int field = 0;
    int start = 0;
    for (int i = 0; i <= line.length; i++) {
      if (i == line.length || line[i] == ',') {
        if (field == DST_PORT_FIELD) {
          return i - start == 2 && line[start] == '8' && line[start + 1] == '0';
        }
        field++;
        start = i + 1;
      }
    }
    return false;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 5 && args.length != 6) {
      System.err.println("usage: WebServerCount <brokers> <topic> <application id> <replication factor> <state dir> [records]");
      System.exit(2);
    }
    String brokers = args[0];
    String topic = args[1];
    String applicationId = args[2];
    String replicas = args[3];
    Path stateDir = Path.of(args[4]);
    Files.createDirectories(stateDir);

    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicas);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(topic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
        .filter((device, line) -> device != null && line != null && toPort80(line))
        .groupByKey()
        .count(Materialized.as("webserver-counts"));

    CountDownLatch running = new CountDownLatch(1);
    long[] startedAt = {0};
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props);
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
      streams.setStateListener((now, before) -> {
        if (now == KafkaStreams.State.RUNNING && running.getCount() > 0) {
          startedAt[0] = System.nanoTime();
          running.countDown();
        }
      });
      streams.start();
      if (!running.await(120, TimeUnit.SECONDS)) throw new IllegalStateException("the application never started running");
      System.out.println("{\"running\":true}");
      System.out.flush();

      Map<TopicPartition, Long> ends = endOffsets(admin, topic);
      long records = args.length == 6 ? Long.parseLong(args[5]) : ends.values().stream().mapToLong(Long::longValue).sum();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
      while (committed(admin, applicationId, ends.keySet()) < records) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("the application did not catch up in time");
        Thread.sleep(POLL_MS);
      }
      double seconds = (System.nanoTime() - startedAt[0]) / 1e9;
      System.out.printf(
          "{\"records\":%d,\"seconds\":%.3f,\"recordsPerSecond\":%.1f,\"finishedAtMs\":%d}%n",
          records, seconds, records / seconds, System.currentTimeMillis());
      streams.close();
    }
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
    var partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get().get(topic).partitions();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (var partition : partitions) latest.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest());
    Map<TopicPartition, ListOffsetsResultInfo> offsets = admin.listOffsets(latest).all().get();
    return offsets.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  /** Offsets the application has committed, summed over `partitions` (the topic starts at 0). */
  private static long committed(Admin admin, String group, Iterable<TopicPartition> partitions) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    long sum = 0;
    for (TopicPartition partition : partitions) {
      OffsetAndMetadata offset = committed.get(partition);
      if (offset != null) sum += offset.offset();
    }
    return sum;
  }
}
