// The in-memory tail of a member's transaction log, like ZooKeeper's committedLog: a leader syncs learners from
// it (DIFF / TRUNC) and falls back to a snapshot when a learner is older than the window. It also tracks what the
// shell has applied, because that state is what a SNAP transfers and what may never be rolled back.
import { epochOf, zxidHex } from './zxid.js';

export interface Txn {
  zxid: bigint;
  /** The transaction log entry, opaque to consensus. */
  data: Buffer;
}

export class History {
  private entries: Txn[];
  /** The zxid just before entries[0]: the snapshot or trimmed entry the window continues from. */
  private baseZxid: bigint;
  private appliedZxid: bigint;

  /**
   * `tail` must hold every logged entry after `applied` (and may hold older ones): a leader can only send a
   * snapshot of its applied state if it can follow it with everything logged since.
   */
  constructor(
    tail: readonly Txn[],
    base: bigint,
    applied: bigint,
    private readonly keepCommitted = 500,
  ) {
    if (applied < base) throw new Error(`log tail starts after ${zxidHex(base)} but state is applied only to ${zxidHex(applied)}`);
    for (let i = 1; i < tail.length; i++) {
      if (tail[i]!.zxid <= tail[i - 1]!.zxid) throw new Error('log tail is not in zxid order');
    }
    if (tail.length > 0 && tail[0]!.zxid <= base) throw new Error('log tail overlaps its base');
    this.entries = [...tail];
    this.baseZxid = base;
    this.appliedZxid = applied;
    this.trim();
  }

  get lastZxid(): bigint {
    return this.entries.length > 0 ? this.entries[this.entries.length - 1]!.zxid : this.baseZxid;
  }

  get base(): bigint {
    return this.baseZxid;
  }

  get applied(): bigint {
    return this.appliedZxid;
  }

  get size(): number {
    return this.entries.length;
  }

  append(txn: Txn): void {
    if (txn.zxid <= this.lastZxid) {
      throw new Error(`append of ${zxidHex(txn.zxid)} after ${zxidHex(this.lastZxid)} breaks zxid order`);
    }
    this.entries.push(txn);
  }

  /** Drops entries after `zxid`. Truncating below the applied state would undo committed transactions. */
  truncateAfter(zxid: bigint): void {
    if (zxid < this.appliedZxid) throw new Error(`truncate to ${zxidHex(zxid)} is below the applied ${zxidHex(this.appliedZxid)}`);
    let keep = this.entries.length;
    while (keep > 0 && this.entries[keep - 1]!.zxid > zxid) keep--;
    this.entries.length = keep;
  }

  /** After a snapshot install: nothing before `zxid` is kept, and the snapshot is the applied state. */
  reset(zxid: bigint): void {
    this.entries = [];
    this.baseZxid = zxid;
    this.appliedZxid = zxid;
  }

  markApplied(zxid: bigint): void {
    if (zxid < this.appliedZxid) throw new Error(`applied point moving back from ${zxidHex(this.appliedZxid)} to ${zxidHex(zxid)}`);
    this.appliedZxid = zxid;
    this.trim();
  }

  has(zxid: bigint): boolean {
    return this.indexOf(zxid) >= 0;
  }

  get(zxid: bigint): Txn | undefined {
    const index = this.indexOf(zxid);
    return index >= 0 ? this.entries[index] : undefined;
  }

  after(zxid: bigint): Txn[] {
    return this.entries.filter((txn) => txn.zxid > zxid);
  }

  all(): readonly Txn[] {
    return this.entries;
  }

  private indexOf(zxid: bigint): number {
    let low = 0;
    let high = this.entries.length - 1;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const value = this.entries[mid]!.zxid;
      if (value === zxid) return mid;
      if (value < zxid) low = mid + 1;
      else high = mid - 1;
    }
    return -1;
  }

  /** Keeps at most `keepCommitted` applied entries; unapplied ones always stay (a snapshot cannot replace them). */
  private trim(): void {
    let drop = 0;
    while (this.entries.length - drop > this.keepCommitted && this.entries[drop]!.zxid <= this.appliedZxid) drop++;
    if (drop === 0) return;
    this.baseZxid = this.entries[drop - 1]!.zxid;
    this.entries = this.entries.slice(drop);
  }
}

export type SyncPlan =
  | { kind: 'diff'; txns: Txn[] }
  | { kind: 'trunc'; truncateTo: bigint; txns: Txn[] }
  | { kind: 'snap' };

/**
 * How a learner whose log ends at `peerLastZxid` catches up with `history` (LearnerHandler.syncFollower):
 * - its last zxid is in our history (or is the window's base): DIFF, the entries after it;
 * - it is ahead of everything we have: TRUNC to our last zxid;
 * - it falls inside the window but is not one of our entries: it holds proposals we never had. TRUNC to our
 *   entry before it, then DIFF, but only within one epoch: across an epoch boundary the learner's older entries
 *   may differ from ours too, so it gets a snapshot;
 * - it is older than the window: SNAP.
 */
export function planSync(history: History, peerLastZxid: bigint): SyncPlan {
  const last = history.lastZxid;
  if (peerLastZxid === last) return { kind: 'diff', txns: [] };
  if (peerLastZxid > last) return { kind: 'trunc', truncateTo: last, txns: [] };
  if (peerLastZxid < history.base) return { kind: 'snap' };
  if (peerLastZxid === history.base || history.has(peerLastZxid)) return { kind: 'diff', txns: history.after(peerLastZxid) };
  const following = history.after(peerLastZxid);
  const next = following[0]!;
  if (epochOf(next.zxid) !== epochOf(peerLastZxid)) return { kind: 'snap' };
  const before = history.all().filter((txn) => txn.zxid < peerLastZxid);
  const truncateTo = before.length > 0 ? before[before.length - 1]!.zxid : history.base;
  return { kind: 'trunc', truncateTo, txns: following };
}
