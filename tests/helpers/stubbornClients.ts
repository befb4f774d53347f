// Clients that do nothing to help a server stop: sessions that stay open, a writer always mid-request, and a raw
// socket that pipelines large reads and never reads the replies, so the server's writes to it back up.
import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { ZkClient } from '../../node-core/client/index.js';
import { closeClients } from './clientPool.js';
import { JuteWriter } from '../../node-core/jute/index.js';
import {
  ConnectRequestCodec,
  OpCode,
  PathWatchRequestCodec,
  RequestHeaderCodec,
} from '../../node-core/protocol/index.js';

export interface StubbornClients {
  /** Ends everything the clients still hold, once the test is done with them. */
  destroy(): void;
}

const BIG_NODE_BYTES = 256 * 1024;
/** 64 replies of 256 KiB: far more than the kernel's socket buffers hold, so the server's writes queue up. */
const UNREAD_REQUESTS = 64;

export async function openStubbornClients(hostPort: string): Promise<StubbornClients> {
  const tag = randomBytes(4).toString('hex');
  const idle = await Promise.all([0, 1].map(() => ZkClient.connect(hostPort, { sessionTimeout: 30_000 })));
  const bigPath = `/stubborn-${tag}-big`;
  await idle[0]!.create(bigPath, randomBytes(BIG_NODE_BYTES));
  const unread = await neverReadingClient(hostPort, bigPath);

  const writer = await ZkClient.connect(hostPort, { sessionTimeout: 30_000 });
  let writing = true;
  void (async () => {
    for (let n = 0; writing; n++) {
      try {
        await writer.create(`/stubborn-${tag}-w${n}`, randomBytes(1024));
      } catch {
        // ConnectionLoss while the server goes away; the loop only has to keep a request outstanding.
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  })();
  return {
    destroy() {
      writing = false;
      unread.destroy();
      void closeClients([...idle, writer]);
    },
  };
}

async function neverReadingClient(hostPort: string, path: string): Promise<Socket> {
  const [host, port] = hostPort.split(':') as [string, string];
  const socket = connect({ host, port: Number(port) });
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  const hello = new JuteWriter(64);
  ConnectRequestCodec.write(hello, { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30_000, sessionId: 0n, passwd: Buffer.alloc(16) });
  socket.write(hello.frame());
  await once(socket, 'data');
  socket.pause();
  for (let xid = 1; xid <= UNREAD_REQUESTS; xid++) {
    const request = new JuteWriter(64);
    RequestHeaderCodec.write(request, { xid, type: OpCode.getData });
    PathWatchRequestCodec.write(request, { path, watch: false });
    socket.write(request.frame());
  }
  return socket;
}
