// One shared address per member port for the membership text a reconfig carries: the router reads which server
// opened each connection (the sid in its first bytes) and hands the connection to that pair's link proxy, so cuts
// and isolation keep working per link although every member dials the same address.
import { connect, type Socket } from 'node:net';
import { LOOPBACK } from './portAllocator.js';
import { ProxyListener, resetSocket as reset } from './proxyListener.js';

export type IngressKind = 'quorum' | 'election';

export interface IngressRouterOptions {
  listenPort: number;
  kind: IngressKind;
  /** The port of the link proxy for connections from `sid` to this member; undefined refuses the connection. */
  route(sid: number): number | undefined;
}

/** Anything longer than this before the sid is known is not a ZooKeeper server speaking. */
const MAX_HEADER_BYTES = 8192;

/**
 * The sid the connecting server announced, once enough bytes are in. Election links start with the greeting
 * ({long version<0, long sid, ...} or a bare sid); quorum links with FOLLOWERINFO/OBSERVERINFO, a QuorumPacket
 * {int type, long zxid, int length, LearnerInfo{long sid, ...}} sent without a length frame.
 */
export function announcedSid(kind: IngressKind, received: Buffer): number | undefined | 'incomplete' {
  if (kind === 'election') {
    if (received.length < 8) return 'incomplete';
    const first = received.readBigInt64BE(0);
    if (first >= 0n) return Number(first);
    if (received.length < 16) return 'incomplete';
    return Number(received.readBigInt64BE(8));
  }
  if (received.length < 24) return 'incomplete';
  if (received.readInt32BE(12) < 8) return undefined;
  return Number(received.readBigInt64BE(16));
}

export class IngressRouter {
  private readonly listener: ProxyListener;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly options: IngressRouterOptions) {
    this.listener = new ProxyListener(options.listenPort, (socket) => this.accept(socket));
  }

  get listenPort(): number {
    return this.options.listenPort;
  }

  start(): Promise<void> {
    return this.listener.start();
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) reset(socket);
    this.sockets.clear();
    await this.listener.close();
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private accept(client: Socket): void {
    this.track(client);
    let pending = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const sid = announcedSid(this.options.kind, pending);
      if (sid === 'incomplete' && pending.length < MAX_HEADER_BYTES) return;
      client.off('data', onData);
      client.pause();
      const port = typeof sid === 'number' ? this.options.route(sid) : undefined;
      if (port === undefined) {
        reset(client);
        return;
      }
      // The link proxy does the cutting and the waiting for a target that is not listening yet; a reset on either
      // side is passed on as a reset, the way a cut network looks.
      const upstream = connect({ host: LOOPBACK, port, noDelay: true });
      this.track(upstream);
      upstream.once('connect', () => {
        upstream.write(pending);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.once('close', () => reset(client));
      client.once('close', () => reset(upstream));
    };
    client.on('data', onData);
  }
}
