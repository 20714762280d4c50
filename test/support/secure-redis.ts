// A redis-server of the test's own that speaks only TLS (its certificate from the test's CA) and
// lets in one ACL user with a password, on a free port, in a temp folder that `stop` removes.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './redis-server.ts';
import type { TestCa } from './test-ca.ts';
import { waitFor } from './wait-for.ts';

/** Every server still running when the test worker exits is killed, like the CLI children. */
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class SecureRedis {
  readonly port: number;
  private readonly ca: string;
  private readonly dir: string;
  private readonly child: ChildProcess;
  private stopped: Promise<void> | undefined;

  private constructor(port: number, ca: string, dir: string, child: ChildProcess) {
    this.port = port;
    this.ca = ca;
    this.dir = dir;
    this.child = child;
  }

  static async start(ca: TestCa, username: string, password: string): Promise<SecureRedis> {
    const server = ca.issue('redis-server');
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'flowwatch-secure-redis-'));
    let output = '';
    const child = spawn(
      'redis-server',
      [
        ...['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1'],
        ...['--tls-cert-file', server.certFile, '--tls-key-file', server.keyFile, '--tls-auth-clients', 'no'],
        // The default user is off: only the test's user, with its password, gets in.
        ...['--user', 'default', 'off', '--user', username, 'on', `>${password}`, '~*', '&*', '+@all'],
        ...['--dir', dir, '--save', '', '--appendonly', 'no'],
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    running.add(child);
    child.stdout?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-2000);
    });
    const redis = new SecureRedis(port, readFileSync(ca.certFile, 'utf8'), dir, child);
    try {
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`redis-server exited: ${output}`);
          const client = redis.client(username, password);
          try {
            await client.connect();
            return (await client.ping()) === 'PONG';
          } finally {
            client.disconnect();
          }
        },
        { timeoutMs: 10_000, what: `redis-server over TLS on port ${port}` },
      );
    } catch (error) {
      await redis.stop();
      throw new Error(`${(error as Error).message}\n${output}`, { cause: error });
    }
    return redis;
  }

  /** The URL a user would give, with the login in it. */
  url(username: string, password: string): string {
    return `rediss://${encodeURIComponent(username)}:${encodeURIComponent(password)}@127.0.0.1:${this.port}`;
  }

  /** A client of the test's own (not the code under test), not yet connected. */
  client(username: string, password: string): Redis {
    const client = new Redis({
      host: '127.0.0.1',
      port: this.port,
      username,
      password,
      tls: { ca: this.ca },
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    client.on('error', () => {});
    return client;
  }

  /** Stops the server and removes its folder; idempotent. */
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
