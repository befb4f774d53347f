// Standalone commit: a transaction is committed once the local log has fsynced it (group commit batches the fsyncs).
import type { TxnLog } from '../storage/txnLog.js';
import type { CommitPath } from './commitPath.js';

export class LocalCommitPath implements CommitPath {
  private committed: (zxid: bigint) => void = () => undefined;
  private failed: (error: Error) => void = () => undefined;

  constructor(private readonly log: TxnLog) {}

  onCommitted(committed: (zxid: bigint) => void, failed: (error: Error) => void): void {
    this.committed = committed;
    this.failed = failed;
  }

  propose(zxid: bigint, entryBytes: Buffer): void {
    this.log.append(entryBytes).then(
      () => this.committed(zxid),
      (error: unknown) => this.failed(error instanceof Error ? error : new Error(String(error))),
    );
  }
}
