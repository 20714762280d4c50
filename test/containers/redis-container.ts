// A Redis in a container of the test's own: `redis:6379` for containers on the test's network, a
// random host port for the test process; append-only, as in the compose file.
import { GenericContainer, type StartedNetwork, type StartedTestContainer, Wait } from 'testcontainers';
import { loadConfig } from '../../config/index.ts';
import { connectRedis, createRedis } from '../../state/index.ts';
import { waitFor } from '../support/wait-for.ts';
import { images } from './images.ts';

const PORT = 6379;

export class RedisContainer {
  /** URL for containers on the network. */
  static readonly inNetwork = `redis://redis:${PORT}`;

  readonly container: StartedTestContainer;
  /** URL for the test process. */
  readonly url: string;

  private constructor(container: StartedTestContainer) {
    this.container = container;
    this.url = `redis://${container.getHost()}:${container.getMappedPort(PORT)}`;
  }

  static async start(network: StartedNetwork): Promise<RedisContainer> {
    const container = await new GenericContainer(images.redis)
      .withNetwork(network)
      .withNetworkAliases('redis')
      .withExposedPorts(PORT)
      .withCommand(['redis-server', '--appendonly', 'yes'])
      .withWaitStrategy(Wait.forLogMessage('Ready to accept connections'))
      .start();
    const redis = new RedisContainer(container);
    // The log line says the server is up; a PING through the published port says we reach it.
    const config = loadConfig(process.env, { REDIS_URL: redis.url });
    try {
      await waitFor(
        async () => {
          (await connectRedis(createRedis(config), config)).disconnect();
          return true;
        },
        { timeoutMs: 30_000, what: `Redis (${images.redis}) at ${redis.url}` },
      );
      return redis;
    } catch (error) {
      await container.stop();
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.container.stop();
  }
}
