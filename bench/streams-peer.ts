// The peer a user would pick instead: the Kafka Streams application in bench/streams-peer/ (Java,
// exactly_once_v2), built with Maven on first use and run on the same broker and topic as
// flowwatch's consumer.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeChild } from './process-probe.ts';

const PROJECT = fileURLToPath(new URL('./streams-peer/', import.meta.url));
const TARGET = join(PROJECT, 'target');

export interface StreamsPeerResult {
  readonly recordsPerSecond: number;
  /** When every record was counted and committed (wall clock, ms since the epoch). */
  readonly finishedAtMs: number;
  readonly peakRssMb: number;
}

/** Builds the application (once: `mvn package` into bench/streams-peer/target). */
export function buildStreamsPeer(say: (line: string) => void): void {
  if (existsSync(join(TARGET, 'classes')) && existsSync(join(TARGET, 'lib'))) return;
  say('building the Kafka Streams peer with Maven (once)...');
  try {
    execFileSync('mvn', ['-q', '-B', '-f', join(PROJECT, 'pom.xml'), 'package'], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? '';
    throw new Error(`Maven could not build the Kafka Streams peer: ${output.slice(-800)}`);
  }
}

export interface StreamsPeer {
  /** Resolves once the application's partitions are assigned. */
  readonly running: Promise<void>;
  readonly done: Promise<StreamsPeerResult>;
  kill(): void;
}

/**
 * Starts the application as `applicationId` (its group and the prefix of its internal topics, with
 * `replicas` replicas) on `topic`, read from the start. Without `records`, the topic is full and the
 * rate is timed from running to every offset committed; with it, the application waits for that many
 * offsets committed while the topic is written, and `finishedAtMs` says when.
 */
export function startStreamsPeer(
  brokers: string,
  topic: string,
  applicationId: string,
  replicas: number,
  records?: number,
): StreamsPeer {
  const stateDir = mkdtempSync(join(tmpdir(), 'flowwatch-streams-'));
  const child = spawn(
    'java',
    [
      '-Xmx1g',
      '-cp',
      `${join(TARGET, 'classes')}:${join(TARGET, 'lib')}/*`,
      'flowwatch.bench.WebServerCount',
      brokers,
      topic,
      applicationId,
      String(replicas),
      stateDir,
      ...(records === undefined ? [] : [String(records)]),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const measured = probeChild(child);
  const running = new Promise<void>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('"running":true')) {
        child.stdout?.off('data', onData);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    measured.done.then(() => reject(new Error('the Kafka Streams peer exited before it was running')));
  });
  const done = measured.done
    .then((result) => {
      if (result.code !== 0) {
        throw new Error(`Kafka Streams peer exited ${result.code}: ${result.stderr.slice(-800)}`);
      }
      const summary = JSON.parse(result.stdout.trim().split('\n').pop() as string) as {
        recordsPerSecond: number;
        finishedAtMs: number;
      };
      return { ...summary, peakRssMb: result.peakRssMb };
    })
    .finally(() => rmSync(stateDir, { recursive: true, force: true }));
  running.catch(() => undefined);
  return { running, done, kill: () => measured.kill('SIGKILL') };
}
