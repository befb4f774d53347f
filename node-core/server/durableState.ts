// The server state at a given zxid rebuilt from what is durable on disk (the newest readable snapshot at or below it
// plus the transaction log up to it), and rolled forward along the log later. The snapshot worker uses it so that
// it never needs the request thread's tree: the log holds every transaction that thread applied, in order.
import path from 'node:path';
import * as fs from 'node:fs/promises';
import { listSnapshotFiles, type SnapshotStore } from '../storage/index.js';
import { listLogFiles, LOG_HEADER_BYTES } from '../storage/txnLogFormat.js';
import { EntryScanner } from '../storage/txnLogScan.js';
import { DataTree } from '../tree/dataTree.js';
import { applyTxn } from '../txn/applyTxn.js';
import { decodeTxnEntry } from '../txn/txnRecords.js';
import { readSnapshot } from './dataDirRecovery.js';
import { trackSessionTxn } from './snapshotWriting.js';

export interface DurableState {
  tree: DataTree;
  sessions: Map<bigint, number>;
  /** The last transaction applied; equals tree.lastProcessedZxid. */
  zxid: bigint;
}

export interface LoadedState extends DurableState {
  /** The snapshot file the state started from, or undefined when it was replayed from an empty tree. */
  snapshotName: string | undefined;
}

export class DurableStateError extends Error {}

/** The newest snapshot at or below `zxid` that reads whole; damaged ones are passed over as recovery does. */
export async function loadSnapshotAtOrBelow(store: SnapshotStore, zxid: bigint): Promise<LoadedState> {
  for (const file of await listSnapshotFiles(store.dir)) {
    if (file.zxid > zxid) continue;
    const read = await readSnapshot(store, file.name);
    if (!('tree' in read)) continue;
    return { tree: read.tree, sessions: read.sessions, zxid: read.zxid, snapshotName: file.name };
  }
  return { tree: new DataTree(), sessions: new Map(), zxid: 0n, snapshotName: undefined };
}

/**
 * Applies the logged transactions after state.zxid up to and including `target`, which must already be durable.
 * Returns how many were applied. Throws DurableStateError when the log does not reach `target` intact.
 */
export async function rollForward(state: DurableState, logDir: string, target: bigint, maxEntryBytes: number): Promise<number> {
  if (state.zxid >= target) return 0;
  const files = await listLogFiles(logDir);
  let first = 0;
  for (let i = 0; i < files.length; i++) if (files[i]!.startZxid <= state.zxid + 1n) first = i;
  let applied = 0;
  for (const file of files.slice(first)) {
    if (state.zxid >= target) break;
    const filePath = path.join(logDir, file.name);
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(filePath, 'r');
    } catch (error) {
      throw new DurableStateError(`cannot read ${filePath}: ${error instanceof Error ? error.message : String(error)}`);
    }
    try {
      // Only what was on disk when it was opened; entries up to `target` are all there (they were fsynced).
      const size = (await handle.stat()).size;
      const scanner = new EntryScanner(handle, () => size, maxEntryBytes);
      for (let offset = LOG_HEADER_BYTES; state.zxid < target; ) {
        const step = await scanner.next(offset);
        if (step.kind === 'end' || (step.kind === 'invalid' && step.zeroLength)) break;
        if (step.kind === 'invalid') throw new DurableStateError(`damaged entry in ${filePath} at offset ${offset}: ${step.reason}`);
        offset = step.end;
        if (step.zxid <= state.zxid) continue;
        if (step.zxid > target) break;
        const { header, txn } = decodeTxnEntry(step.payload);
        applyTxn(state.tree, header, txn);
        trackSessionTxn(state.sessions, header, txn);
        state.zxid = step.zxid;
        applied++;
      }
    } finally {
      await handle.close();
    }
  }
  if (state.zxid !== target) {
    throw new DurableStateError(`the log in ${logDir} ends at 0x${state.zxid.toString(16)}, before 0x${target.toString(16)}`);
  }
  return applied;
}
