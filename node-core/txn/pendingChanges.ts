// The overlay of prepared-but-not-yet-applied writes (ZooKeeper's outstandingChanges): what each path will look
// like once the transactions already handed on are applied, so the next request is checked against that future
// state (a second create of a path in the same batch fails, sequence numbers keep counting).
import type { ACL, Stat } from '../protocol/records.js';

/** The parts of a node's Stat that request preparation reads or advances. */
export type PendingStat = Omit<Stat, 'dataLength' | 'numChildren'>;

/** What a path will be after the transaction `zxid`; `stat` null means the path will not exist. */
export interface ChangeRecord {
  zxid: bigint;
  path: string;
  stat: PendingStat | null;
  childCount: number;
  acl: readonly ACL[];
  data: Buffer | null;
}

/** A record of the current tree state is marked with this zxid: it is not in the overlay. */
export const fromTree = -1n;

export function duplicateRecord(record: ChangeRecord, zxid: bigint): ChangeRecord {
  return {
    zxid,
    path: record.path,
    stat: record.stat === null ? null : { ...record.stat },
    childCount: record.childCount,
    acl: record.acl,
    data: record.data,
  };
}

export class PendingChanges {
  // in zxid order; several records may share one zxid (a create touches the node and its parent)
  private readonly ordered: ChangeRecord[] = [];
  private readonly latestByPath = new Map<string, ChangeRecord>();

  get(path: string): ChangeRecord | undefined {
    return this.latestByPath.get(path);
  }

  add(record: ChangeRecord): void {
    this.ordered.push(record);
    this.latestByPath.set(record.path, record);
  }

  get size(): number {
    return this.ordered.length;
  }

  records(): readonly ChangeRecord[] {
    return this.ordered;
  }

  /** Forgets every record up to `zxid`, which the tree now reflects. */
  applied(zxid: bigint): void {
    let drop = 0;
    while (drop < this.ordered.length && this.ordered[drop]!.zxid <= zxid) {
      const record = this.ordered[drop]!;
      if (this.latestByPath.get(record.path) === record) this.latestByPath.delete(record.path);
      drop++;
    }
    if (drop > 0) this.ordered.splice(0, drop);
  }

  /** The latest records of these paths, taken before a multi so a failure can put them back. */
  saveLatest(paths: Iterable<string>): Map<string, ChangeRecord> {
    const saved = new Map<string, ChangeRecord>();
    for (const path of paths) {
      const record = this.latestByPath.get(path);
      if (record !== undefined) saved.set(path, record);
    }
    return saved;
  }

  /**
   * Undoes a failed multi: drops the records it added (all carry its zxid, at the end) and restores the saved
   * latest records of its paths that are still outstanding.
   */
  rollback(zxid: bigint, saved: ReadonlyMap<string, ChangeRecord>): void {
    while (this.ordered.length > 0 && this.ordered[this.ordered.length - 1]!.zxid === zxid) {
      const record = this.ordered.pop()!;
      this.latestByPath.delete(record.path);
    }
    if (this.ordered.length === 0) return;
    const firstZxid = this.ordered[0]!.zxid;
    for (const record of saved.values()) {
      if (record.zxid >= firstZxid) this.latestByPath.set(record.path, record);
    }
  }
}
