// Every socket a TCP shell holds, accepted or dialled, so that a stop can end them all at once: net.Server.close()
// only stops accepting, and its callback waits until every accepted socket has closed, so one peer that keeps its
// connection open (or never reads) would hold a stop forever.
import type { Server, Socket } from 'node:net';

export class OpenSockets {
  private readonly sockets = new Set<Socket>();

  track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  /** Stops the listeners accepting, destroys every tracked socket, and resolves once the listeners have closed. */
  closeNow(listeners: readonly (Server | undefined)[]): Promise<void> {
    const closed = listeners.map(
      (listener) => new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve())),
    );
    for (const socket of this.sockets) socket.destroy();
    return Promise.all(closed).then(() => undefined);
  }
}
