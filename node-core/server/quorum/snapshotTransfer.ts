// A SNAP on the quorum link exactly as ZooKeeper 3.8's LearnerHandler sends it: the SNAP packet (its zxid, no data),
// then the snapshot body (SerializeUtils.serializeSnapshot: sessions, then the DataTree) written straight onto the
// stream, then the string "BenWasHere". Learner.syncWithLeader reads it back the same way (quorumPacketStream.ts).
import { JuteWriter } from '../../jute/index.js';
import { QuorumPacketType, quorumPacket, encodeQuorumPacket } from '../../protocol/quorumPackets.js';
import { serializeSnapshot } from '../../tree/snapshotCodec.js';
import type { ZkDatabase } from '../zkDatabase.js';
import { SNAP_SIGNATURE } from './quorumPacketStream.js';

/** One SNAP's bytes in wire order; `body` is produced chunk by chunk (end it early with body.return()). */
export interface SnapshotWire {
  packet: Buffer;
  body: Generator<Buffer, void, undefined>;
  signature: Buffer;
}

/**
 * Opens a copy-on-write view of the state now, which must be the state at `zxid`: the body shows exactly that
 * state however long it takes to send while later commits apply.
 */
export function snapshotWire(database: ZkDatabase, zxid: bigint): SnapshotWire {
  return {
    packet: encodeQuorumPacket(quorumPacket(QuorumPacketType.SNAP, zxid)),
    body: serializeSnapshot(database.tree, new Map(database.sessions)),
    signature: new JuteWriter().writeString(SNAP_SIGNATURE).toBuffer(),
  };
}
