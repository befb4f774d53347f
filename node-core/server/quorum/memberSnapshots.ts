// A member's side of SNAP: as leader it streams its state to a learner; as learner it keeps the snapshot its link
// decoded as it arrived, swaps it in when the core's installSnapshot action says so, and then makes it durable.
import type { Logger } from '../../log/logger.js';
import type { Txn } from '../../consensus/index.js';
import { zxidHex } from '../../consensus/zxid.js';
import type { QuorumPacket } from '../../protocol/quorumPackets.js';
import { deserializeSnapshot, type LoadedSnapshot } from '../../tree/snapshotCodec.js';
import type { ZooConfig } from '../config/zooCfgTypes.js';
import type { ZooKeeperServer } from '../zooKeeperServer.js';
import type { QuorumLinks } from './quorumLinks.js';
import { snapshotOf } from './quorumPacketStream.js';
import { streamSnapshot } from './snapshotTransfer.js';

export interface MemberSnapshotsHost {
  readonly server: ZooKeeperServer;
  readonly config: ZooConfig;
  readonly logger: Logger;
  quorum(): QuorumLinks;
  /** The whole SNAP has been written to `to`: from now on the core counts its silence. */
  sent(to: number): void;
  /** The installed state is now the member's: publish its membership and serve through the quorum pipeline. */
  adoptState(): void;
}

export class MemberSnapshots {
  /** The last SNAP's snapshot, decoded by the link as it arrived; the core's installSnapshot action installs it. */
  private received: { zxid: bigint; snapshot: LoadedSnapshot } | null = null;

  constructor(private readonly host: MemberSnapshotsHost) {}

  /** Keeps the snapshot a SNAP packet carries, if it carries one. */
  noteReceived(packet: QuorumPacket): void {
    const snapshot = snapshotOf(packet);
    if (snapshot !== undefined) this.received = { zxid: packet.zxid, snapshot };
  }

  /** Replaces the in-memory state; returns the logged txns still to apply after it. */
  installInMemory(zxid: bigint, snapshot: Buffer | null, txns: readonly Txn[]): Txn[] {
    const { server } = this.host;
    const received = this.received;
    this.received = null;
    if (snapshot === null && received?.zxid !== zxid) throw new Error(`no snapshot received for the SNAP at ${zxidHex(zxid)}`);
    const restored = snapshot === null ? received!.snapshot : deserializeSnapshot(snapshot);
    restored.tree.lastProcessedZxid = zxid;
    server.database.replaceState(restored.tree, restored.sessions);
    server.sessions.clearAll();
    for (const [sessionId, timeout] of restored.sessions) server.sessions.add(sessionId, timeout, Date.now());
    this.host.adoptState();
    this.host.logger.info(`Installed the leader's snapshot at ${zxidHex(zxid)} (${restored.tree.nodeCount} znodes)`);
    return txns.filter((t) => t.zxid > zxid);
  }

  /**
   * Entries after the snapshot are not in the leader's history at that point, so they go first; then the snapshot
   * (atomically renamed into place) supersedes everything before it; then the txns that follow it.
   */
  async installOnDisk(zxid: bigint, txns: readonly Txn[]): Promise<void> {
    const database = this.host.server.database;
    await database.log.truncateAfter(zxid < database.log.lastZxid() ? zxid : database.log.lastZxid());
    database.log.roll();
    await database.writeSnapshot();
    await Promise.all(txns.filter((t) => t.zxid > database.log.lastZxid()).map((t) => database.log.append(t.data)));
  }

  /** Streams the state, which must be at `zxid`, to learner `to`. */
  send(to: number, zxid: bigint): void {
    const { server, config, logger } = this.host;
    const database = server.database;
    if (database.lastProcessedZxid !== zxid) {
      logger.warn(`snapshot for ${to} asked at ${zxidHex(zxid)} but state is at ${zxidHex(database.lastProcessedZxid)}`);
    }
    const stallMs = config.initLimit * config.tickTime;
    void streamSnapshot(this.host.quorum(), database, to, zxid, stallMs, logger).then((outcome) => {
      if (outcome === 'sent') this.host.sent(to);
    });
  }
}
