// A TCP proxy that a test can tell to hold what goes through it. What clients send: a process behind
// it then waits for its server's answer as long as the test likes, at a known point (its next
// request), which a test cannot arrange with signals alone. What the server sends back, such as a
// primary's replication stream: a replica behind it then falls behind its primary for as long as the
// test likes, and loses what was held if the primary dies meanwhile.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './redis-server.ts';

/** Which connections `holdReplies` holds: all, or only those of Redis replicas (their replication stream). */
export type HeldConnections = 'all' | 'replication';

interface Connection {
  readonly client: Socket;
  readonly server: Socket;
  /** The client has spoken as a Redis replica: its replies are the replication stream. */
  replication: boolean;
}

interface HeldChunk {
  readonly to: Socket;
  readonly chunk: Buffer;
}

/**
 * A command a replica sends and nothing else does: REPLCONF in its handshake and every second after,
 * PSYNC (SYNC of old). A replica writes each command by itself, so it starts a chunk.
 */
const REPLICATION_COMMAND = /^\*\d+\r\n\$\d+\r\n(?:REPLCONF|PSYNC|SYNC)\r\n/i;

export class HeldProxy {
  readonly port: number;
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private holding = false;
  private holdingReplies: HeldConnections | undefined;
  /** Client bytes held, in order, with the connection each goes to. */
  private held: HeldChunk[] = [];
  /** Server bytes held, in order, with the client each goes to. */
  private heldReplies: HeldChunk[] = [];

  private constructor(port: number, server: Server) {
    this.port = port;
    this.server = server;
  }

  /** Listens on a free localhost port and forwards each connection to `target`. */
  static async start(target: { host: string; port: number }): Promise<HeldProxy> {
    const port = await freePort();
    const server = createServer();
    const proxy = new HeldProxy(port, server);
    server.on('connection', (client) => proxy.forward(client, target));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  /** From now on, what clients send is kept back until `release`. */
  hold(): void {
    this.holding = true;
  }

  /** Bytes kept back since `hold`. */
  get heldBytes(): number {
    return sum(this.held);
  }

  /**
   * From now on, what the server sends back is kept back too, until `release`: on every connection,
   * or with 'replication' only on those of Redis replicas (the replication stream; a replica that
   * connects later is held from its handshake on).
   */
  holdReplies(which: HeldConnections = 'all'): void {
    this.holdingReplies = which;
  }

  /** Server bytes kept back since `holdReplies`. */
  get heldReplyBytes(): number {
    return sum(this.heldReplies);
  }

  /** Connections open now whose client speaks as a Redis replica. */
  get replicationConnections(): number {
    return [...this.connections].filter((c) => c.replication && !c.client.destroyed).length;
  }

  /** Sends what was kept back in either direction, in order, and forwards as usual again. */
  release(): void {
    this.holding = false;
    this.holdingReplies = undefined;
    for (const { to, chunk } of [...this.held, ...this.heldReplies]) if (!to.destroyed) to.write(chunk);
    this.held = [];
    this.heldReplies = [];
  }

  /**
   * Drops what was kept back in either direction and closes every open connection, as a network that
   * fails would. Holding goes on as it was: new connections are held likewise until `release`.
   */
  cut(): void {
    this.held = [];
    this.heldReplies = [];
    for (const { client, server } of this.connections) {
      client.destroy();
      server.destroy();
    }
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket, target: { host: string; port: number }): void {
    const server = connect(target.port, target.host);
    const connection: Connection = { client, server, replication: false };
    this.connections.add(connection);
    for (const socket of [client, server]) {
      socket.on('close', () => {
        this.connections.delete(connection);
        client.destroy();
        server.destroy();
      });
      socket.on('error', () => {});
    }
    client.on('data', (chunk: Buffer) => {
      if (!connection.replication && REPLICATION_COMMAND.test(chunk.toString('latin1', 0, 32)))
        connection.replication = true;
      if (this.holding) this.held.push({ to: server, chunk });
      else server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => {
      const holding =
        this.holdingReplies === 'all' || (this.holdingReplies === 'replication' && connection.replication);
      if (holding) this.heldReplies.push({ to: client, chunk });
      else client.write(chunk);
    });
  }
}

function sum(chunks: readonly HeldChunk[]): number {
  return chunks.reduce((total, { chunk }) => total + chunk.length, 0);
}
