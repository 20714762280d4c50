// One `flowwatch` command in a container of the app image, on the test's network: start it, kill it
// (SIGKILL) and start it again, stop it with SIGTERM, or wait for a one-shot command to end.
import {
  GenericContainer,
  getContainerRuntimeClient,
  type StartedNetwork,
  type StartedTestContainer,
} from 'testcontainers';
import { type InstrumentationEvent, parseEvents } from '../../runtime/index.ts';
import type { TestNames } from '../support/test-names.ts';
import { images } from './images.ts';
import { KafkaContainer } from './kafka-container.ts';
import { RedisContainer } from './redis-container.ts';

/** A file of the host copied into the container before it starts. */
export interface FileToCopy {
  readonly source: string;
  readonly target: string;
}

export interface Exit {
  readonly code: number;
  readonly output: string;
}

/** Where a container's flowwatch writes its instrumentation events (kept across restarts). */
const EVENTS_FILE = '/tmp/flowwatch-events.jsonl';

export class AppContainer {
  readonly container: StartedTestContainer;

  private constructor(container: StartedTestContainer) {
    this.container = container;
  }

  static async start(
    network: StartedNetwork,
    names: TestNames,
    args: string[],
    files: FileToCopy[] = [],
  ): Promise<AppContainer> {
    const container = await new GenericContainer(images.app)
      .withNetwork(network)
      .withEnvironment({
        KAFKA_BROKERS: KafkaContainer.inNetwork,
        REDIS_URL: RedisContainer.inNetwork,
        FLOWWATCH_TOPIC: names.topic,
        FLOWWATCH_GROUP: names.group,
        FLOWWATCH_KEY_PREFIX: names.prefix,
        LOG_LEVEL: 'info',
        FLOWWATCH_EVENTS_FILE: EVENTS_FILE,
      })
      .withCommand(args)
      .withCopyFilesToContainer(files)
      .start();
    return new AppContainer(container);
  }

  private async docker() {
    return (await getContainerRuntimeClient()).container.getById(this.container.getId());
  }

  /** SIGKILL to the whole container: no graceful stop, no last batch, like a machine dying. */
  async kill(): Promise<void> {
    const docker = await this.docker();
    await docker.kill({ signal: 'SIGKILL' });
    await docker.wait();
  }

  /** Starts the same container again, as a restart policy would. */
  async startAgain(): Promise<void> {
    await (await this.docker()).start();
  }

  /** `docker stop`: SIGTERM (through tini to Node), SIGKILL only after `graceMs`. */
  async stopGracefully(graceMs: number): Promise<Exit & { elapsedMs: number }> {
    const docker = await this.docker();
    const started = Date.now();
    await docker.stop({ t: Math.ceil(graceMs / 1000) });
    return { ...(await this.exit()), elapsedMs: Date.now() - started };
  }

  /** Waits for the command to end and returns its exit code and output. */
  async exit(): Promise<Exit> {
    const { StatusCode } = await (await this.docker()).wait();
    return { code: StatusCode, output: await this.output() };
  }

  async output(): Promise<string> {
    const logs = await (await this.docker()).logs({ stdout: true, stderr: true, follow: false });
    return demultiplex(logs);
  }

  /** The events its flowwatch emitted, every life of the container included (it must be running). */
  async events(): Promise<InstrumentationEvent[]> {
    const result = await this.container.exec(['cat', EVENTS_FILE]);
    return parseEvents(result.output);
  }

  async remove(): Promise<void> {
    await this.container.stop({ timeout: 0 });
  }
}

/** Docker's log stream frames each chunk with an 8-byte header (stream, size); keep the text. */
function demultiplex(frames: Buffer): string {
  const chunks: Buffer[] = [];
  for (let at = 0; at + 8 <= frames.length; ) {
    const size = frames.readUInt32BE(at + 4);
    chunks.push(frames.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return Buffer.concat(chunks).toString('utf8');
}
