// What a server does when its disk fails (ENOSPC, EIO): standalone or ensemble member alike it stops and exits with
// one documented code, so a supervisor (systemd `Restart=on-failure`, Kubernetes) restarts it once space is back;
// recovery then starts from what is on disk, which holds every acknowledged write (a write is acknowledged only
// after its fsync).
import type { ZooConfig } from './config/zooCfgTypes.js';

/** The exit code of a server stopped by a disk failure, as Paddock ensemble members have always used. */
export const DISK_FAILURE_EXIT_CODE = 3;

/** Told of a disk error that stops the server; it may be told more than once as queued operations fail too. */
export type DiskFailureHandler = (error: Error) => void;

/** The one log line of a disk failure: what happened and what the operator should do about it. */
export function diskFailureMessage(error: Error, config: Pick<ZooConfig, 'dataDir' | 'dataLogDir'>): string {
  const dirs = config.dataLogDir === config.dataDir ? config.dataDir : `${config.dataDir} and ${config.dataLogDir}`;
  return (
    `Disk failure, stopping this member: ${error.message}. ` +
    `Free space on (or repair) the disk holding ${dirs}, then restart the server; it recovers every acknowledged ` +
    `write from disk. Exiting with code ${DISK_FAILURE_EXIT_CODE}.`
  );
}

/** Errors of the disk itself, as opposed to a bug or bad input: no space, no quota, I/O error, read-only mount. */
const diskErrorCodes: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS']);

/** True for a disk error, also one wrapped by the transaction log (its message keeps the original code). */
export function isDiskError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && diskErrorCodes.has(code)) return true;
  return [...diskErrorCodes].some((c) => error.message.includes(`${c}:`));
}
