// A TCP proxy that a test can tell to hold what clients send: a process behind it then waits for
// its server's answer as long as the test likes, at a known point (its next request), which a test
// cannot arrange with signals alone.
import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './redis-server.ts';

export class HeldProxy {
  readonly port: number;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private holding = false;
  /** Client bytes held, in order, with the connection each goes to. */
  private held: { to: Socket; chunk: Buffer }[] = [];

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
    return this.held.reduce((sum, { chunk }) => sum + chunk.length, 0);
  }

  /** Sends what was kept back, in order, and forwards as usual again. */
  release(): void {
    this.holding = false;
    for (const { to, chunk } of this.held) if (!to.destroyed) to.write(chunk);
    this.held = [];
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private forward(client: Socket, target: { host: string; port: number }): void {
    const server = connect(target.port, target.host);
    for (const socket of [client, server]) {
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        server.destroy();
      });
      socket.on('error', () => {});
    }
    client.on('data', (chunk: Buffer) => {
      if (this.holding) this.held.push({ to: server, chunk });
      else server.write(chunk);
    });
    server.on('data', (chunk: Buffer) => client.write(chunk));
  }
}
