// A SNAP on the quorum link exactly as ZooKeeper 3.8's LearnerHandler sends it: the SNAP packet (its zxid, no data),
// then the snapshot body (SerializeUtils.serializeSnapshot: sessions, then the DataTree) written straight onto the
// stream, then the string "BenWasHere". Learner.syncWithLeader reads it back the same way (quorumPacketStream.ts).
import { JuteWriter } from '../../jute/index.js';
import { QuorumPacketType, quorumPacket, encodeQuorumPacket } from '../../protocol/quorumPackets.js';
import { serializeSnapshot } from '../../tree/snapshotCodec.js';
import { zxidHex } from '../../consensus/zxid.js';
import type { ZkDatabase } from '../zkDatabase.js';
import type { Logger } from '../../log/logger.js';
import type { QuorumLinks, StreamOutcome } from './quorumLinks.js';
import { SNAP_SIGNATURE } from './quorumPacketStream.js';

/** The snapshot body leaves in pieces of about this size, each written once the socket has taken the last. */
export const SNAP_CHUNK_BYTES = 128 * 1024;

/**
 * One SNAP's bytes in wire order, the body produced chunk by chunk as they are pulled. Opens a copy-on-write view
 * of the state now, which must be the state at `zxid`: the body shows exactly that state however long it takes to
 * send while later commits apply. End it early with return(), or the view stays open.
 */
export function snapshotWire(database: ZkDatabase, zxid: bigint, chunkBytes = SNAP_CHUNK_BYTES): Generator<Buffer, void, undefined> {
  const body = serializeSnapshot(database.tree, new Map(database.sessions), { chunkBytes });
  const chunks = wireChunks(zxid, body);
  // A generator abandoned before its first chunk never enters its finally block; the view must still end.
  const finish = chunks.return.bind(chunks);
  chunks.return = (value) => {
    body.return(undefined);
    return finish(value);
  };
  return chunks;
}

function* wireChunks(zxid: bigint, body: Generator<Buffer, void, undefined>): Generator<Buffer, void, undefined> {
  try {
    yield encodeQuorumPacket(quorumPacket(QuorumPacketType.SNAP, zxid));
    yield* body;
    yield new JuteWriter().writeString(SNAP_SIGNATURE).toBuffer();
  } finally {
    body.return(undefined);
  }
}

/**
 * Streams the SNAP to learner `to` in bounded chunks behind the socket's drain, so the leader keeps serving clients
 * and pinging the other learners meanwhile; packets sent to `to` meanwhile follow the snapshot on the link.
 */
export async function streamSnapshot(
  links: QuorumLinks,
  database: ZkDatabase,
  to: number,
  zxid: bigint,
  stallMs: number,
  logger: Logger,
): Promise<StreamOutcome> {
  const started = Date.now();
  let bytes = 0;
  const chunks = snapshotWire(database, zxid);
  const counted: Iterator<Buffer> = {
    next: () => {
      const next = chunks.next();
      if (next.done !== true) bytes += next.value.length;
      return next;
    },
    return: (value) => chunks.return(value),
  };
  const outcome = await links.sendStream(to, counted, stallMs);
  logger.info(`SNAP ${zxidHex(zxid)} to ${to}: ${outcome}, ${bytes} bytes in ${Date.now() - started} ms`);
  return outcome;
}
