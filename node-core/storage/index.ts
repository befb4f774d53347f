// Public surface of Paddock's persistence layer: transaction log, snapshots, epoch files and purging.

export { adler32 } from './adler32.js';
export {
  TxnLog,
  TxnLogFailedError,
  zxidOfPayload,
  logFileName,
  parseLogFileName,
  listLogFiles,
  hexZxid,
  TXNLOG_MAGIC,
  TXNLOG_VERSION,
  LOG_HEADER_BYTES,
  ENTRY_OVERHEAD_BYTES,
  DEFAULT_MAX_ENTRY_BYTES,
} from './txnLog.js';
export type { TxnLogOptions, TxnLogEntry, TxnLogStats } from './txnLog.js';
export {
  SnapshotStore,
  snapshotFileName,
  parseSnapshotFileName,
  listSnapshotFiles,
  verifySnapshotFile,
  SNAP_MAGIC,
  SNAP_VERSION,
} from './snapshotStore.js';
export type { SnapshotStoreOptions, LoadedSnapshot, SnapshotCheck, SnapshotRead } from './snapshotStore.js';
export { parseSnapshotTrailer, digestSection, SnapshotTrailerError } from './snapshotTrailer.js';
export type { SnapshotDigest, SnapshotTrailer } from './snapshotTrailer.js';
export { scanLogDir } from './txnLogScan.js';
export type { LogScan } from './txnLogScan.js';
export { DataDirError } from './dataDirError.js';
export {
  readEpochFile,
  writeEpochFile,
  readMyid,
  ACCEPTED_EPOCH_FILE,
  CURRENT_EPOCH_FILE,
  MYID_FILE,
} from './epochFiles.js';
export { purgeOldFiles, MIN_SNAP_RETAIN_COUNT } from './purge.js';
export type { PurgeOptions, PurgeResult } from './purge.js';
