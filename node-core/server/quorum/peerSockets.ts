// The sockets of one kind of link between members (election port or quorum port): the listener, every link
// accepted or dialled, and a stop that destroys them all at once, as ZooKeeper's shutdown closes its links.
import * as net from 'node:net';
import { listenTcp } from '../listenTcp.js';
import { OpenSockets } from '../openSockets.js';
import type { Logger } from '../../log/logger.js';

export interface PeerAddress {
  sid: number;
  host: string;
  port: number;
}

export class PeerSockets {
  private server: net.Server | undefined;
  private readonly sockets = new OpenSockets();
  private stopped = false;

  /** `kind` names the listener in its log lines ("election", "quorum"). */
  constructor(
    private readonly kind: string,
    private readonly logger: Logger,
  ) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Listens; each accepted socket reaches `accept` tracked and with Nagle off, none after stop(). */
  async listen(at: { host: string; port: number }, accept: (socket: net.Socket) => void): Promise<void> {
    const server = net.createServer((socket) => {
      if (this.stopped) {
        socket.destroy();
        return;
      }
      this.sockets.track(socket);
      socket.setNoDelay(true);
      accept(socket);
    });
    server.on('error', (error) => this.logger.warn(`${this.kind} listener: ${error.message}`));
    await listenTcp(server, at.host, at.port);
    this.server = server;
  }

  /** Dials a peer; the socket is destroyed unless it connects within `timeoutMs`. */
  dial(peer: PeerAddress, timeoutMs = 5_000): net.Socket {
    const socket = net.connect({ host: peer.host, port: peer.port });
    this.sockets.track(socket);
    socket.setNoDelay(true);
    const timeout = setTimeout(() => socket.destroy(), timeoutMs);
    const settled = () => clearTimeout(timeout);
    socket.once('connect', settled);
    socket.once('error', settled);
    socket.once('close', settled);
    return socket;
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.sockets.closeNow([this.server]);
  }
}
