// A single-node Kafka broker of the test's own with a SASL_SSL listener: its certificate comes from
// the test's CA, its users (SCRAM and PLAIN) from the test. Started from the Maven jars that
// infra/kafka.sh resolves, on free ports, in a temp folder that `stop` removes.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type SASLOptions } from 'kafkajs';
import { freePort } from './redis-server.ts';
import type { TestCa } from './test-ca.ts';
import { waitFor } from './wait-for.ts';

export type TestSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface TestKafkaUser {
  readonly mechanism: TestSaslMechanism;
  readonly username: string;
  readonly password: string;
}

const KAFKA_SCRIPT = join(import.meta.dirname, '../../infra/kafka.sh');

/** Every broker still running when the test worker exits is killed, like the CLI children. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function jarsDir(): string {
  // `jars` resolves them once (it may say so first); the folder is its last line.
  const output = execFileSync(KAFKA_SCRIPT, ['jars'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = output.trim().split('\n');
  return lines[lines.length - 1] as string;
}

const LOG4J = `log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
`;

const LOG4J2 = `appender.console.type = Console
appender.console.name = STDERR
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stderr.ref = STDERR
`;

export class SecureKafka {
  /** host:port of the SASL_SSL listener. */
  readonly brokers: string;
  private readonly dir: string;
  private readonly child: ChildProcess;
  private stopped: Promise<void> | undefined;

  private constructor(brokers: string, dir: string, child: ChildProcess) {
    this.brokers = brokers;
    this.dir = dir;
    this.child = child;
  }

  /** Starts the broker and resolves once `users[0]` can log in over SASL_SSL. */
  static async start(ca: TestCa, users: readonly TestKafkaUser[]): Promise<SecureKafka> {
    const dir = mkdtempSync(join(tmpdir(), 'flowwatch-secure-kafka-'));
    try {
      return await SecureKafka.startIn(dir, ca, users);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  private static async startIn(dir: string, ca: TestCa, users: readonly TestKafkaUser[]): Promise<SecureKafka> {
    const server = ca.issue('kafka-broker');
    // Kafka's PEM key store: the private key and the certificate chain in one file.
    const keyStore = join(dir, 'broker-keystore.pem');
    writeFileSync(keyStore, readFileSync(server.keyFile, 'utf8') + readFileSync(server.certFile, 'utf8'));
    const [port, controllerPort, internalPort] = [await freePort(), await freePort(), await freePort()];
    const plainUsers = users
      .filter((user) => user.mechanism === 'plain')
      .map((user) => `user_${user.username}="${user.password}"`)
      .join(' ');
    const properties = join(dir, 'server.properties');
    writeFileSync(
      properties,
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
        // Clients use SASL_SSL only; the broker talks to itself over a plaintext listener of its own.
        `listeners=SASL_SSL://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort},INTERNAL://127.0.0.1:${internalPort}`,
        `advertised.listeners=SASL_SSL://127.0.0.1:${port},INTERNAL://127.0.0.1:${internalPort}`,
        'controller.listener.names=CONTROLLER',
        'listener.security.protocol.map=SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT',
        'inter.broker.listener.name=INTERNAL',
        'sasl.enabled.mechanisms=SCRAM-SHA-256,SCRAM-SHA-512,PLAIN',
        'listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        'listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
        `listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
        'ssl.keystore.type=PEM',
        `ssl.keystore.location=${keyStore}`,
        `log.dirs=${join(dir, 'data')}`,
        'num.partitions=1',
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=2',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'min.insync.replicas=1',
        'group.initial.rebalance.delay.ms=0',
        'auto.create.topics.enable=false',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'log4j.properties'), LOG4J);
    writeFileSync(join(dir, 'log4j2.properties'), LOG4J2);
    const jars = jarsDir();
    const java = (main: string, args: readonly string[]) => [
      `-Dlog4j.configuration=file:${join(dir, 'log4j.properties')}`,
      `-Dlog4j2.configurationFile=${join(dir, 'log4j2.properties')}`,
      '-cp',
      `${jars}/*`,
      main,
      ...args,
    ];
    const clusterId = execFileSync('java', java('kafka.tools.StorageTool', ['random-uuid']), {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .trim()
      .split('\n')
      .pop() as string;
    // SCRAM credentials live in the cluster metadata: they are written when the storage is formatted.
    const scram = users
      .filter((user) => user.mechanism !== 'plain')
      .flatMap((user) => [
        '--add-scram',
        `${user.mechanism.toUpperCase()}=[name=${user.username},password=${user.password}]`,
      ]);
    try {
      execFileSync('java', java('kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', properties, ...scram]), {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
      throw new Error(`formatting the test broker's storage failed: ${stderr.trim()}`, { cause: error });
    }
    let output = '';
    const child = spawn('java', ['-Xmx512m', '-Xms128m', ...java('kafka.Kafka', [properties])], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    running.add(child);
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    const broker = new SecureKafka(`127.0.0.1:${port}`, dir, child);
    try {
      await broker.waitUntilReady(ca, users[0] as TestKafkaUser, () => output);
    } catch (error) {
      await broker.stop();
      throw error;
    }
    return broker;
  }

  /** Ready when a login over SASL_SSL works: checked with kafkajs directly, not with the code under test. */
  private async waitUntilReady(ca: TestCa, user: TestKafkaUser, output: () => string): Promise<void> {
    const kafka = new Kafka({
      clientId: 'flowwatch-test-secure-broker',
      brokers: [this.brokers],
      ssl: { ca: readFileSync(ca.certFile, 'utf8') },
      sasl: { mechanism: user.mechanism, username: user.username, password: user.password } as SASLOptions,
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    await waitFor(
      async () => {
        if (this.child.exitCode !== null) throw new Error(`the test broker exited: ${output()}`);
        const admin = kafka.admin();
        try {
          await admin.connect();
          await admin.describeCluster();
          return true;
        } finally {
          await admin.disconnect();
        }
      },
      { timeoutMs: 60_000, intervalMs: 500, what: `the test broker on ${this.brokers} over SASL_SSL` },
    ).catch((error: Error) => {
      throw new Error(`${error.message}: ${(error.cause as Error | undefined)?.message}\n${output()}`);
    });
  }

  /** Kills the broker and removes its folder; idempotent. */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      const child = this.child;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      running.delete(child);
      rmSync(this.dir, { recursive: true, force: true });
    })();
    return this.stopped;
  }
}
