// The quorum port's links: every member listens for learners (a member that is not leading refuses them through
// its consensus core), and a learner dials its leader. Packets to a link still being dialled queue behind it.
import type * as net from 'node:net';
import { encodeQuorumPacket, decodeLearnerInfo, QuorumPacketType, type QuorumPacket } from '../../protocol/quorumPackets.js';
import type { Logger } from '../../log/logger.js';
import { QuorumPacketStream } from './quorumPacketStream.js';
import { PeerSockets, type PeerAddress } from './peerSockets.js';

export interface QuorumLinksOptions {
  myId: number;
  listen: { host: string; port: number };
  peers: readonly PeerAddress[];
  logger: Logger;
  onPacket(from: number, packet: QuorumPacket): void;
  onLinkClosed(peer: number): void;
  /** Snapshot bytes arrived from the leader (a SNAP in progress): the leader is alive though no packet can arrive. */
  onSyncProgress?(from: number): void;
  connectTimeoutMs?: number;
  /** reconfigEnabled: a learner not (yet) in our configuration may connect, as a joiner syncs before its reconfig. */
  acceptUnknownPeers?: boolean;
}

interface Link {
  socket: net.Socket;
  connected: boolean;
  queue: Buffer[];
  corked?: boolean;
}

export class QuorumLinks {
  private readonly links = new Map<number, Link>();
  /** Every socket, also those not yet a link (an incoming one before its LEARNERINFO), so stop() reaches them all. */
  private readonly sockets: PeerSockets;

  constructor(private readonly options: QuorumLinksOptions) {
    this.sockets = new PeerSockets('quorum', options.logger);
  }

  start(): Promise<void> {
    return this.sockets.listen(this.options.listen, (socket) => this.accept(socket));
  }

  /** Destroys every link at once, as ZooKeeper's shutdown closes them. */
  async stop(): Promise<void> {
    const stopped = this.sockets.stop();
    this.links.clear();
    await stopped;
  }

  connectToLeader(leader: number): void {
    const peer = this.options.peers.find((p) => p.sid === leader);
    if (!peer || this.sockets.isStopped) {
      queueMicrotask(() => this.options.onLinkClosed(leader));
      return;
    }
    this.close(leader);
    const socket = this.sockets.dial(peer, this.options.connectTimeoutMs);
    const link: Link = { socket, connected: false, queue: [] };
    this.links.set(leader, link);
    socket.once('connect', () => {
      link.connected = true;
      for (const bytes of link.queue) socket.write(bytes);
      link.queue = [];
    });
    this.wire(leader, link);
  }

  send(to: number, packet: QuorumPacket): void {
    this.sendBytes(to, encodeQuorumPacket(packet));
  }

  /** Bytes that are not a packet of their own: a SNAP's snapshot body and signature follow its packet raw. */
  sendBytes(to: number, bytes: Buffer): void {
    const link = this.links.get(to);
    if (!link) return;
    if (!link.connected) {
      link.queue.push(bytes);
      return;
    }
    // Proposals, commits and acks produced in one turn leave in one write, as ZooKeeper flushes its queue only
    // when it runs empty; one syscall per packet was most of a leader's CPU under load.
    if (!link.corked) {
      link.corked = true;
      link.socket.cork();
      process.nextTick(() => {
        link.corked = false;
        link.socket.uncork();
      });
    }
    link.socket.write(bytes);
  }

  close(peer: number): void {
    const link = this.links.get(peer);
    if (!link) return;
    this.links.delete(peer);
    link.socket.destroy();
  }

  /** A learner's link: its first packet (FOLLOWERINFO/OBSERVERINFO) names its sid. */
  private accept(socket: net.Socket): void {
    const stream = new QuorumPacketStream();
    let sid: number | undefined;
    socket.on('data', (chunk: Buffer) => {
      let packets: QuorumPacket[];
      try {
        packets = stream.push(chunk);
      } catch (error) {
        this.options.logger.warn(`bad quorum packet on an incoming link: ${error instanceof Error ? error.message : String(error)}`);
        socket.destroy();
        return;
      }
      for (const packet of packets) {
        if (sid === undefined) {
          const first = packet.type === QuorumPacketType.FOLLOWERINFO || packet.type === QuorumPacketType.OBSERVERINFO;
          const claimed = first && packet.data ? Number(decodeLearnerInfo(packet.data).serverid) : undefined;
          const known = this.options.acceptUnknownPeers === true || this.options.peers.some((p) => p.sid === claimed);
          if (claimed === undefined || !known) {
            socket.destroy();
            return;
          }
          sid = claimed;
          this.close(sid);
          this.links.set(sid, { socket, connected: true, queue: [] });
          socket.on('close', () => {
            if (this.links.get(sid!)?.socket === socket) {
              this.links.delete(sid!);
              this.options.onLinkClosed(sid!);
            }
          });
        }
        this.options.onPacket(sid, packet);
      }
    });
    socket.on('error', () => undefined);
  }

  private wire(peer: number, link: Link): void {
    const stream = new QuorumPacketStream({ snapshots: true, onSnapshotBytes: () => this.options.onSyncProgress?.(peer) });
    link.socket.on('data', (chunk: Buffer) => {
      let packets: QuorumPacket[];
      try {
        packets = stream.push(chunk);
      } catch (error) {
        this.options.logger.warn(`bad quorum packet from ${peer}: ${error instanceof Error ? error.message : String(error)}`);
        link.socket.destroy();
        return;
      }
      for (const packet of packets) this.options.onPacket(peer, packet);
    });
    link.socket.on('error', () => undefined);
    link.socket.on('close', () => {
      if (this.links.get(peer) === link) {
        this.links.delete(peer);
        this.options.onLinkClosed(peer);
      }
    });
  }
}
