// How a server's state becomes a snapshot file, shared by the request thread (its fallback) and the snapshot
// worker so both write the same bytes: the body in ZooKeeper's format, the seal and the digest trailer.
import { digestSection, type SnapshotStore } from '../storage/index.js';
import type { DataTree } from '../tree/dataTree.js';
import { serializeSnapshot, type ZxidDigest } from '../tree/snapshotCodec.js';
import { OpCode } from '../protocol/index.js';
import type { Txn, TxnHeader } from '../txn/txnRecords.js';

/**
 * Writes snapshot.<zxid> of `tree` and `sessions` (which must be the state at `zxid`). `guard` sees every chunk
 * before it is written and may throw to abandon the file (nothing then replaces an existing snapshot).
 */
export async function writeTreeSnapshot(
  store: SnapshotStore,
  tree: DataTree,
  sessions: ReadonlyMap<bigint, number>,
  zxid: bigint,
  guard: (chunks: Iterable<Buffer>) => Iterable<Buffer> = (chunks) => chunks,
): Promise<string> {
  let digest: ZxidDigest | undefined;
  const body = serializeSnapshot(tree, new Map(sessions), { onDigest: (d) => (digest = d) });
  return store.writeSnapshot(zxid, guard(body), () => (digest === undefined ? [] : [digestSection(digest)]));
}

/** Keeps a session table in step with createSession/closeSession transactions. */
export function trackSessionTxn(sessions: Map<bigint, number>, header: TxnHeader, txn: Txn): void {
  if (txn.type === OpCode.createSession) sessions.set(header.clientId, txn.timeOut);
  else if (txn.type === OpCode.closeSession) sessions.delete(header.clientId);
}
