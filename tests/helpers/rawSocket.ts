// Raw client sockets for tests that misbehave on purpose: a ConnectRequest frame to start from, and a socket that
// sends exactly the given bytes and reports when the server closed the connection.
import * as net from 'node:net';
import { JuteWriter } from '../../node-core/jute/index.js';
import { ConnectRequestCodec } from '../../node-core/protocol/index.js';

/** A whole ConnectRequest frame for a new session, as a client's first packet. */
export function connectRequestFrame(timeOut = 30_000): Buffer {
  const writer = new JuteWriter(64);
  ConnectRequestCodec.write(writer, {
    protocolVersion: 0,
    lastZxidSeen: 0n,
    timeOut,
    sessionId: 0n,
    passwd: Buffer.alloc(16),
    readOnly: false,
  });
  return writer.frame();
}

export interface ClosedSocket {
  /** Milliseconds from connect until the server closed the connection, or undefined if it was still open. */
  closedAfterMs: number | undefined;
}

/** Connects, sends `bytes`, then waits up to `waitMs` for the server to close the connection. */
export function sendAndAwaitClose(port: number, bytes: Buffer, waitMs: number): Promise<ClosedSocket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let connectedAt = 0;
    const giveUp = setTimeout(() => {
      socket.destroy();
      resolve({ closedAfterMs: undefined });
    }, waitMs);
    socket.on('connect', () => {
      connectedAt = Date.now();
      if (bytes.length > 0) socket.write(bytes);
    });
    socket.on('data', () => undefined);
    socket.on('error', (error) => {
      if (connectedAt === 0) {
        clearTimeout(giveUp);
        reject(error);
      }
    });
    socket.on('close', () => {
      clearTimeout(giveUp);
      resolve({ closedAfterMs: connectedAt === 0 ? undefined : Date.now() - connectedAt });
    });
  });
}
