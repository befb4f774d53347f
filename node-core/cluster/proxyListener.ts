// What the supervisor's TCP proxies (link proxies, ingress routers) share: a loopback listener with Nagle off, and
// the reset that stands for a cut network.
import { createServer, type Server, type Socket } from 'node:net';
import { LOOPBACK } from './portAllocator.js';
import { listenTcp } from '../server/listenTcp.js';

/** RST rather than FIN: a cut network does not say goodbye politely, and the peer must not wait for more data. */
export function resetSocket(socket: Socket): void {
  if (!socket.destroyed) socket.resetAndDestroy();
}

export class ProxyListener {
  private server: Server | undefined;

  constructor(
    readonly port: number,
    private readonly accept: (socket: Socket) => void,
  ) {}

  /** Binds once (later calls do nothing); a bind failure rejects, later listener errors are ignored. */
  async start(): Promise<void> {
    if (this.server !== undefined) return;
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    await listenTcp(server, LOOPBACK, this.port);
    server.on('error', () => undefined);
    this.server = server;
  }

  /** Stops accepting; resolves once every accepted socket has closed, so reset them first. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
