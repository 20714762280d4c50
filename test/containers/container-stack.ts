// Kafka and Redis on a Docker network of the test's own, started together and always removed
// together: nothing is left behind, even when one of them fails to start (there is no Ryuk here).
import { Network, type StartedNetwork } from 'testcontainers';
import { KafkaContainer } from './kafka-container.ts';
import { RedisContainer } from './redis-container.ts';

export class ContainerStack {
  readonly network: StartedNetwork;
  readonly kafka: KafkaContainer;
  readonly redis: RedisContainer;

  private constructor(network: StartedNetwork, kafka: KafkaContainer, redis: RedisContainer) {
    this.network = network;
    this.kafka = kafka;
    this.redis = redis;
  }

  static async start(): Promise<ContainerStack> {
    const network = await new Network().start();
    const [kafka, redis] = await Promise.allSettled([KafkaContainer.start(network), RedisContainer.start(network)]);
    if (kafka.status === 'fulfilled' && redis.status === 'fulfilled') {
      return new ContainerStack(network, kafka.value, redis.value);
    }
    await Promise.allSettled([
      kafka.status === 'fulfilled' ? kafka.value.stop() : undefined,
      redis.status === 'fulfilled' ? redis.value.stop() : undefined,
    ]);
    await network.stop();
    throw kafka.status === 'rejected' ? kafka.reason : (redis as PromiseRejectedResult).reason;
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.kafka.stop(), this.redis.stop()]);
    await this.network.stop();
  }
}
