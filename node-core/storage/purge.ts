// Removes old snapshots and the transaction logs only they needed (ZooKeeper's PurgeTxnLog / autopurge), keeping
// enough to recover from any of the newest valid snapshots.

import * as fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { fsyncDir, isNotFound } from './durableFs.js';
import { listSnapshotFiles, verifySnapshotFile } from './snapshotStore.js';
import { listLogFiles } from './txnLog.js';

/** ZooKeeper refuses to keep fewer than three snapshots: one bad disk block must not leave nothing to load. */
export const MIN_SNAP_RETAIN_COUNT = 3;
const VERSION_DIR = 'version-2';

export interface PurgeOptions {
  /** The dataDir; snapshots are in its version-2 folder. */
  dataDir: string;
  /** The dataLogDir (often equal to dataDir); logs are in its version-2 folder. */
  dataLogDir: string;
  /** How many valid snapshots to keep; raised to 3 if lower. */
  snapRetainCount: number;
  logger?: Logger;
}

export interface PurgeResult {
  /** Full paths of the snapshot files deleted. */
  snapshots: string[];
  /** Full paths of the log files deleted. */
  logs: string[];
}

/**
 * Keeps the newest `snapRetainCount` valid snapshots (newer damaged ones are left alone and not counted) and every
 * log file needed to replay from the oldest kept one: the newest log starting at or below that snapshot's zxid,
 * and all later logs. Everything older is deleted. With no valid snapshot nothing is deleted.
 */
export async function purgeOldFiles(options: PurgeOptions): Promise<PurgeResult> {
  const retain = Math.max(MIN_SNAP_RETAIN_COUNT, Math.floor(options.snapRetainCount));
  if (options.snapRetainCount < MIN_SNAP_RETAIN_COUNT) {
    options.logger?.warn(
      `snapRetainCount ${options.snapRetainCount} is below ${MIN_SNAP_RETAIN_COUNT}; keeping ${retain} snapshots`,
    );
  }
  const snapDir = path.join(options.dataDir, VERSION_DIR);
  const logDir = path.join(options.dataLogDir, VERSION_DIR);
  const result: PurgeResult = { snapshots: [], logs: [] };

  let oldestKept: bigint | undefined;
  let kept = 0;
  for (const snapshot of await listSnapshotFiles(snapDir)) {
    const check = await verifySnapshotFile(path.join(snapDir, snapshot.name));
    if (!check.ok) {
      options.logger?.debug(`Purge does not count invalid snapshot ${snapshot.name}: ${check.reason}`);
      continue;
    }
    oldestKept = snapshot.zxid;
    if (++kept === retain) break;
  }
  if (oldestKept === undefined) return result;
  const least = oldestKept;

  for (const snapshot of await listSnapshotFiles(snapDir)) {
    if (snapshot.zxid < least) result.snapshots.push(path.join(snapDir, snapshot.name));
  }
  const logs = await listLogFiles(logDir);
  let replayStart: bigint | undefined;
  for (const log of logs) if (log.startZxid <= least) replayStart = log.startZxid;
  if (replayStart !== undefined) {
    const start = replayStart;
    for (const log of logs) if (log.startZxid < start) result.logs.push(path.join(logDir, log.name));
  }

  for (const file of [...result.snapshots, ...result.logs]) {
    try {
      await fs.unlink(file);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    options.logger?.info(`Purged ${file}`);
  }
  if (result.snapshots.length > 0) await fsyncDir(snapDir);
  if (result.logs.length > 0 && logDir !== snapDir) await fsyncDir(logDir);
  return result;
}
