// Reads a snapshot body that arrives in pieces (a quorum SNAP, written straight onto the leader's stream as
// ZooKeeper's LearnerHandler does) into a tree as the pieces come, so a learner never holds the whole body in one
// buffer and the snapshot is restored by the time its last byte arrives. Same format and node loop as
// deserializeSnapshot (snapshotCodec.ts); only the waiting for more bytes is added here.
import { readNodes, readSnapshotHead, type LoadedSnapshot, type SnapshotHead } from './snapshotCodec.js';
import { SnapshotFormatError, SnapshotTruncatedError } from './snapshotReader.js';

export class SnapshotStreamDecoder {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes `pending` must hold before parsing again is worth it (a node cut short says how long it is). */
  private needed = 1;
  /** Body offset of pending[0]'s first byte, for error offsets. */
  private consumed = 0;
  private head: SnapshotHead | null = null;
  private loaded: LoadedSnapshot | null = null;
  private receivedBytes = 0;

  constructor(private readonly maxHeadBytes = 512 * 1024 * 1024) {}

  /** Every byte fed so far, including any that followed the body. */
  get received(): number {
    return this.receivedBytes;
  }

  /**
   * Feeds the next bytes. Returns null while the body is incomplete; once the "/" end marker has been read, the
   * bytes of `chunk` that follow it (maybe none). Throws SnapshotFormatError on bytes no body can start with.
   */
  push(chunk: Buffer): Buffer | null {
    if (this.loaded !== null) throw new Error('the snapshot is already complete');
    this.receivedBytes += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes < this.needed) return null;
    const buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    try {
      return this.parse(buf);
    } catch (error) {
      if (error instanceof SnapshotFormatError) throw new SnapshotFormatError(error.reason, error.offset + this.consumed);
      throw error;
    }
  }

  /** The restored tree and sessions; only once push has returned the bytes after the body. */
  result(): LoadedSnapshot {
    if (this.loaded === null) throw new Error('the snapshot is not complete yet');
    return this.loaded;
  }

  private parse(buf: Buffer): Buffer | null {
    let at = 0;
    if (this.head === null) {
      try {
        this.head = readSnapshotHead(buf);
      } catch (error) {
        if (!(error instanceof SnapshotTruncatedError)) throw error;
        if (buf.length > this.maxHeadBytes) throw error;
        this.keep(buf, buf.length + 1);
        return null;
      }
      at = this.head.end;
    }
    const { tree, sessions, acls } = this.head;
    const read = readNodes(buf, at, tree, acls, true);
    if (!read.done) {
      this.consumed += read.end;
      this.keep(buf.subarray(read.end), read.needed);
      return null;
    }
    tree.endRestore();
    this.loaded = { tree, sessions, end: this.consumed + read.end };
    return buf.subarray(read.end);
  }

  private keep(rest: Buffer, needed: number): void {
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    this.needed = Math.max(needed, rest.length + 1);
  }
}
