// Misbehaving clients on raw sockets: one handshake, then request frames written as fast as the server takes them,
// with the replies either read and dropped or never read at all. The same bytes go to Paddock and Apache ZooKeeper.
import * as net from 'node:net';
import { once } from 'node:events';
import { JuteWriter } from '../../../node-core/jute/index.js';
import { RequestHeaderCodec } from '../../../node-core/protocol/index.js';
import { connectRequestFrame } from '../../helpers/rawSocket.js';

/** One request frame, reused for every copy a flood sends (servers do not require distinct xids). */
export function requestFrame(type: number, writeBody: (writer: JuteWriter) => void, xid = 1): Buffer {
  const writer = new JuteWriter(256);
  RequestHeaderCodec.write(writer, { xid, type });
  writeBody(writer);
  return writer.frame();
}

/** A socket whose session is established: the ConnectResponse has been read and nothing else. */
export async function openSession(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  socket.write(connectRequestFrame());
  let received = Buffer.alloc(0);
  while (received.length < 4 || received.length < 4 + received.readInt32BE(0)) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    received = Buffer.concat([received, chunk]);
  }
  socket.pause();
  if (received.length > 4 + received.readInt32BE(0)) throw new Error('the server sent more than a ConnectResponse');
  return socket;
}

export interface FloodOptions {
  durationMs: number;
  /** Read and drop the replies (a fast client); otherwise leave them unread. */
  readReplies: boolean;
}

/** Writes `frame` again and again, waiting whenever the socket pushes back, until the duration is over. */
export async function flood(socket: net.Socket, frame: Buffer, options: FloodOptions): Promise<{ sent: number }> {
  if (options.readReplies) {
    socket.on('data', () => undefined);
    socket.resume();
  }
  socket.on('error', () => undefined);
  const deadline = Date.now() + options.durationMs;
  let sent = 0;
  while (Date.now() < deadline && !socket.destroyed) {
    sent++;
    if (!socket.write(frame)) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      await Promise.race([once(socket, 'drain'), new Promise((resolve) => setTimeout(resolve, left))]);
    } else if (sent % 256 === 0) {
      // Lets the drain, reply and timer callbacks of this process run between bursts.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return { sent };
}
