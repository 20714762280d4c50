// A single-node Kafka (KRaft) in a container of the test's own, reachable two ways: by containers on
// the test's network as kafka:19092, and by the test process at the host port Docker picked. That
// port is known only once the container runs, so the container first waits for a start script that
// advertises it, then runs the image's own entry point (the same for apache/kafka and the stand-in).
import { GenericContainer, type StartedNetwork, type StartedTestContainer, Wait } from 'testcontainers';
import { loadConfig } from '../../config/index.ts';
import { connectAdmin, createKafka } from '../../kafka/index.ts';
import { createLogger } from '../../runtime/index.ts';
import { waitFor } from '../support/wait-for.ts';
import { images } from './images.ts';

const HOST_LISTENER_PORT = 9092;
const NETWORK_LISTENER_PORT = 19092;
const START_SCRIPT = '/tmp/flowwatch-start.sh';
const GO_FILE = '/tmp/flowwatch-go';
const READY_TIMEOUT_MS = 120_000;

export class KafkaContainer {
  /** Brokers for containers on the network. */
  static readonly inNetwork = `kafka:${NETWORK_LISTENER_PORT}`;

  readonly container: StartedTestContainer;
  /** Brokers for the test process, e.g. localhost:32768. */
  readonly brokers: string;

  private constructor(container: StartedTestContainer) {
    this.container = container;
    this.brokers = `${container.getHost()}:${container.getMappedPort(HOST_LISTENER_PORT)}`;
  }

  static async start(network: StartedNetwork): Promise<KafkaContainer> {
    const container = await new GenericContainer(images.kafka)
      .withNetwork(network)
      .withNetworkAliases('kafka')
      .withExposedPorts(HOST_LISTENER_PORT)
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: `HOST://:${HOST_LISTENER_PORT},NETWORK://:${NETWORK_LISTENER_PORT},CONTROLLER://:9093`,
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'HOST:PLAINTEXT,NETWORK:PLAINTEXT,CONTROLLER:PLAINTEXT',
        KAFKA_INTER_BROKER_LISTENER_NAME: 'NETWORK',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_LOG_DIRS: '/var/lib/kafka/data',
        KAFKA_NUM_PARTITIONS: '4',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '4',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_HEAP_OPTS: '-Xmx768m -Xms256m',
      })
      .withCommand([
        'bash',
        '-c',
        `echo 'waiting for the start script'; until [ -f ${GO_FILE} ]; do sleep 0.1; done; exec bash ${START_SCRIPT}`,
      ])
      .withWaitStrategy(Wait.forLogMessage('waiting for the start script'))
      .start();
    const kafka = new KafkaContainer(container);
    try {
      // The script first, then the file that says it is complete.
      await container.copyContentToContainer([
        {
          content: `export KAFKA_ADVERTISED_LISTENERS=HOST://${kafka.brokers},NETWORK://${KafkaContainer.inNetwork}\nexec /etc/kafka/docker/run\n`,
          target: START_SCRIPT,
        },
      ]);
      await container.copyContentToContainer([{ content: '', target: GO_FILE }]);
      await kafka.waitUntilReady();
      return kafka;
    } catch (error) {
      await container.stop();
      throw error;
    }
  }

  /** Ready when the broker answers a metadata request through the host listener. */
  private async waitUntilReady(): Promise<void> {
    const config = loadConfig(process.env, { KAFKA_BROKERS: this.brokers });
    const kafka = createKafka(config, createLogger('silent'), 'flowwatch-test-ready', 'quick');
    await waitFor(
      async () => {
        const admin = await connectAdmin(kafka, config);
        try {
          return (await admin.describeCluster()).brokers.length > 0;
        } finally {
          await admin.disconnect();
        }
      },
      { timeoutMs: READY_TIMEOUT_MS, intervalMs: 500, what: `Kafka (${images.kafka}) at ${this.brokers}` },
    );
  }

  async stop(): Promise<void> {
    await this.container.stop();
  }
}
