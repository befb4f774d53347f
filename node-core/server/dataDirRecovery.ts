// Decides, before anything in the data dir changes, what recovery starts from: the newest snapshot that reads whole
// (file checks, body, seals and digest trailer), and the transaction log after it. A damaged newer snapshot is passed
// over only when the log still holds every transaction it covered; otherwise, as for a damaged log, recovery throws
// DataDirError (one line: file, offset, problem, "refusing to start") with the directory untouched.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import {
  DataDirError,
  SnapshotTrailerError,
  parseSnapshotTrailer,
  scanLogDir,
  type LogScan,
  type SnapshotStore,
  type SnapshotTrailer,
} from '../storage/index.js';
import { listSnapshotFiles } from '../storage/snapshotStore.js';
import { deserializeSnapshot, SnapshotFormatError, type LoadedSnapshot } from '../tree/snapshotCodec.js';

const SNAP_HEADER_BYTES = 16;

export interface RecoveredSnapshot extends LoadedSnapshot {
  zxid: bigint;
  name: string;
  trailer: SnapshotTrailer;
}

export interface RecoveryPlan {
  snapshot: RecoveredSnapshot | undefined;
  log: LogScan;
}

interface Problem {
  file: string;
  zxid: bigint;
  offset: number;
  reason: string;
}

function hex(zxid: bigint): string {
  return '0x' + zxid.toString(16);
}

/** Reads and checks one snapshot file whole (file checks, body, seals, digest trailer). */
export async function readSnapshot(store: SnapshotStore, name: string): Promise<RecoveredSnapshot | Omit<Problem, 'zxid'>> {
  const file = path.join(store.dir, name);
  const read = await store.read(name);
  if (!read.ok) return { file, offset: read.offset, reason: read.reason };
  try {
    const loaded = deserializeSnapshot(read.body);
    const trailer = parseSnapshotTrailer(read.body, loaded.end, read.checksum);
    loaded.tree.lastProcessedZxid = read.zxid;
    return { ...loaded, zxid: read.zxid, name, trailer };
  } catch (error) {
    if (error instanceof SnapshotFormatError || error instanceof SnapshotTrailerError) {
      return { file, offset: SNAP_HEADER_BYTES + error.offset, reason: error.reason };
    }
    throw error;
  }
}

/**
 * ZooKeeper can write snapshot.<zxid>.gz or .snappy (zookeeper.snapshot.compression.method). Paddock reads neither;
 * starting past a newer one would silently drop what only it holds.
 */
function refuseCompressed(dir: string, names: string[], usedZxid: bigint): void {
  for (const name of names) {
    const match = /^snapshot\.([0-9a-fA-F]{1,16})\.(gz|snappy)$/.exec(name);
    if (match !== null && BigInt('0x' + match[1]) > usedZxid) {
      throw new DataDirError(path.join(dir, name), 0, `${match[2]}-compressed snapshots are not supported (set zookeeper.snapshot.compression.method back to CHECKED and restart ZooKeeper once to write a plain one)`);
    }
  }
}

/** Reads snapshots newest first and scans the log, changing nothing; throws DataDirError to refuse. */
export async function planRecovery(
  store: SnapshotStore,
  logDir: string,
  maxEntryBytes: number,
  logger: Logger,
): Promise<RecoveryPlan> {
  const problems: Problem[] = [];
  let snapshot: RecoveredSnapshot | undefined;
  for (const { name, zxid } of await listSnapshotFiles(store.dir)) {
    const result = await readSnapshot(store, name);
    if ('tree' in result) {
      snapshot = result;
      break;
    }
    problems.push({ ...result, zxid });
  }
  refuseCompressed(store.dir, await readdir(store.dir), snapshot?.zxid ?? -1n);
  const log = await scanLogDir(logDir, { maxEntryBytes, coveredUpTo: snapshot?.zxid });
  const newest = problems[0];
  if (newest === undefined) return { snapshot, log };

  // Everything the damaged snapshots held must come back from the log, or starting would lose committed writes.
  const from = snapshot?.zxid ?? 0n;
  const needed = problems.reduce((max, p) => (p.zxid > max ? p.zxid : max), 0n);
  const firstLogged = log.segments[0]?.firstZxid;
  const covered = needed <= from || (firstLogged !== undefined && firstLogged <= from + 1n && log.lastZxid >= needed);
  const problem = problems.length > 1 ? `${newest.reason} (and ${problems.length - 1} older snapshot(s) unreadable)` : newest.reason;
  if (!covered) {
    const gap = `the log does not hold zxids ${hex(from + 1n)} to ${hex(needed)} to replace it`;
    throw new DataDirError(newest.file, newest.offset, `${problem}; ${gap}`);
  }
  const action = snapshot === undefined ? 'fell back to replaying the log from zxid 0' : `fell back to ${snapshot.name}`;
  logger.warn(new DataDirError(newest.file, newest.offset, problem, action).message);
  return { snapshot, log };
}
