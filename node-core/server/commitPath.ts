// The seam between preparing a write and making it durable: standalone appends to the local log and fsyncs;
// an ensemble member proposes to its leader and waits for the quorum's COMMIT. Both call back in zxid order.
export interface CommitPath {
  /** Takes one prepared transaction (its log bytes); `committed` fires for it, in zxid order, once it is safe. */
  propose(zxid: bigint, entryBytes: Buffer): void;
  /** Registered once by the pipeline. `error` means durability can no longer be guaranteed: stop taking writes. */
  onCommitted(committed: (zxid: bigint) => void, failed: (error: Error) => void): void;
}
