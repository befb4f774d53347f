// The election port's connections (ZooKeeper's QuorumCnxManager): one TCP link per pair of members, greeting
// first, then 4-byte-length-framed notifications. Only the link initiated by the higher sid survives, so two
// members that dial each other at once end up with exactly one connection.
import type * as net from 'node:net';
import { PeerSockets, type PeerAddress } from './peerSockets.js';
import { FrameDecoder } from '../../jute/index.js';
import {
  decodeElectionGreeting,
  decodeNotification,
  electionProtocolVersionV2,
  encodeElectionGreeting,
  encodeNotification,
  type NotificationMessage,
} from '../../protocol/quorumPackets.js';
import type { Logger } from '../../log/logger.js';

export type { PeerAddress };

export interface ElectionLinksOptions {
  myId: number;
  listen: { host: string; port: number };
  peers: readonly PeerAddress[];
  logger: Logger;
  onNotification(from: number, message: NotificationMessage): void;
  connectTimeoutMs?: number;
  /** reconfigEnabled: a server not (yet) in our configuration may dial us, as a joiner does before its reconfig. */
  acceptUnknownPeers?: boolean;
}

const maxNotificationBytes = 512 * 1024;

export class ElectionLinks {
  private readonly links = new Map<number, net.Socket>();
  /** The newest notification per peer waiting for a link (ZooKeeper keeps only the latest one too). */
  private readonly pending = new Map<number, Buffer>();
  private readonly dialing = new Set<number>();
  /** Every socket, also those still dialling or greeting, so stop() reaches them all. */
  private readonly sockets: PeerSockets;

  constructor(private readonly options: ElectionLinksOptions) {
    this.sockets = new PeerSockets('election', options.logger);
  }

  private get closed(): boolean {
    return this.sockets.isStopped;
  }

  start(): Promise<void> {
    return this.sockets.listen(this.options.listen, (socket) => this.accept(socket));
  }

  /** Destroys every link at once, as ZooKeeper's shutdown closes them. */
  async stop(): Promise<void> {
    const stopped = this.sockets.stop();
    this.links.clear();
    this.pending.clear();
    await stopped;
  }

  send(to: number, message: NotificationMessage): void {
    if (this.closed) return;
    const frame = Buffer.alloc(4);
    const body = encodeNotification(message);
    frame.writeInt32BE(body.length);
    const bytes = Buffer.concat([frame, body]);
    const link = this.links.get(to);
    this.options.logger.debug(`notification to ${to} (${link && !link.destroyed ? 'sent' : 'queued'}): state ${message.state} leader ${message.leader} zxid 0x${message.zxid.toString(16)} round ${message.electionEpoch}`);
    if (link && !link.destroyed) {
      link.write(bytes);
      return;
    }
    this.pending.set(to, bytes);
    this.dial(to);
  }

  private peer(sid: number): PeerAddress | undefined {
    return this.options.peers.find((p) => p.sid === sid);
  }

  /** Dials a peer; a lower-sid dialer's link is refused by the higher peer, which dials back (see accept). */
  private dial(sid: number): void {
    const peer = this.peer(sid);
    if (!peer || this.dialing.has(sid) || this.closed) return;
    this.dialing.add(sid);
    const socket = this.sockets.dial(peer, this.options.connectTimeoutMs);
    socket.once('connect', () => {
      this.dialing.delete(sid);
      const { host, port } = this.options.listen;
      socket.write(
        encodeElectionGreeting({ protocolVersion: electionProtocolVersionV2, sid: BigInt(this.options.myId), addresses: [`${host}:${port}`] }),
      );
      if (this.options.myId > sid) this.adopt(sid, socket, Buffer.alloc(0));
      // A lower sid only announces itself; the higher peer closes this link and dials back.
      else socket.on('data', () => undefined).on('error', () => undefined);
    });
    socket.once('error', () => this.dialing.delete(sid));
    socket.once('close', () => this.dialing.delete(sid));
  }

  private accept(socket: net.Socket): void {
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      let parsed;
      try {
        parsed = decodeElectionGreeting(buffered);
      } catch (error) {
        this.options.logger.warn(`election link refused: ${error instanceof Error ? error.message : String(error)}`);
        socket.destroy();
        return;
      }
      if (parsed === null) return;
      socket.off('data', onData);
      const sid = Number(parsed.greeting.sid);
      const unknownButAccepted = this.options.acceptUnknownPeers === true && sid > this.options.myId;
      if ((!this.peer(sid) && !unknownButAccepted) || sid === this.options.myId) {
        socket.destroy();
        return;
      }
      if (sid < this.options.myId) {
        // ZooKeeper's rule: the higher sid initiates. Drop this link and dial the lower peer ourselves.
        socket.destroy();
        this.dial(sid);
        return;
      }
      this.adopt(sid, socket, buffered.subarray(parsed.consumed));
    };
    socket.on('data', onData);
    socket.on('error', () => undefined);
  }

  private adopt(sid: number, socket: net.Socket, leftover: Buffer): void {
    const previous = this.links.get(sid);
    if (previous && previous !== socket) previous.destroy();
    this.links.set(sid, socket);
    const decoder = new FrameDecoder(maxNotificationBytes);
    const receive = (chunk: Buffer) => {
      try {
        for (const frame of decoder.push(chunk)) {
          const message = decodeNotification(frame);
          this.options.logger.debug(`notification from ${sid}: state ${message.state} leader ${message.leader} zxid 0x${message.zxid.toString(16)} round ${message.electionEpoch}`);
          this.options.onNotification(sid, message);
        }
      } catch (error) {
        this.options.logger.warn(`bad notification from ${sid}: ${error instanceof Error ? error.message : String(error)}`);
        socket.destroy();
      }
    };
    socket.on('data', receive);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.links.get(sid) === socket) this.links.delete(sid);
    });
    if (leftover.length > 0) receive(leftover);
    const waiting = this.pending.get(sid);
    if (waiting) {
      this.pending.delete(sid);
      socket.write(waiting);
    }
  }
}
