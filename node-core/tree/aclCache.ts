// Interns ACL lists so that every znode with the same ACL points at one frozen array, as ZooKeeper's
// ReferenceCountedACLCache does: a million nodes with the default ACL then cost one list, not a million. Each list
// also carries ZooKeeper's long index (numbered from 1 in order of first use, never reused), which is what a
// snapshot stores per node, so a snapshot Paddock writes numbers its ACLs as ZooKeeper would after the same history.
import { Perms } from '../protocol/constants.js';
import type { ACL } from '../protocol/records.js';

interface Entry {
  readonly acl: readonly ACL[];
  readonly key: string;
  readonly index: number;
  refs: number;
}

/** ZooKeeper's aclRef for a node that never had an ACL set (its system nodes): OPEN_ACL_UNSAFE, not in the map. */
export const OPEN_UNSAFE_ACL_REF = -1;

/**
 * The ACL of ZooKeeper's built-in nodes (/, /zookeeper, /zookeeper/quota), which point at OPEN_ACL_UNSAFE through
 * the reserved ref -1 rather than through the cache. A node holding this very list is written with ref -1; a user
 * node with the same permissions gets an interned list of its own, as in ZooKeeper.
 */
export const openUnsafeAcl: readonly ACL[] = freezeAcl([{ perms: Perms.all, id: { scheme: 'world', id: 'anyone' } }]);

export class AclCache {
  private readonly byKey = new Map<string, Entry>();
  private readonly byList = new Map<readonly ACL[], Entry>();
  // A snapshot view may outlive the entry of a list it still holds, so a list's index stays findable.
  private readonly indexOfList = new WeakMap<readonly ACL[], number>();
  private lastIndex = 0;

  /** The shared list equal to `acl` (same entries, same order), counting one more user of it. */
  intern(acl: readonly ACL[]): readonly ACL[] {
    if (acl === openUnsafeAcl) return acl;
    const known = this.byList.get(acl);
    if (known !== undefined) {
      known.refs++;
      return known.acl;
    }
    const key = aclKey(acl);
    let entry = this.byKey.get(key);
    if (entry === undefined) entry = this.add(freezeAcl(acl), key, ++this.lastIndex);
    entry.refs++;
    return entry.acl;
  }

  /** One user fewer of an interned list; the list is forgotten when nobody uses it. */
  release(acl: readonly ACL[]): void {
    const entry = this.byList.get(acl);
    if (entry === undefined) return;
    if (--entry.refs > 0) return;
    this.forget(entry);
  }

  /** The long a snapshot stores for a list this cache handed out (or the -1 of the built-in nodes). */
  indexOf(acl: readonly ACL[]): number {
    if (acl === openUnsafeAcl) return OPEN_UNSAFE_ACL_REF;
    const index = this.indexOfList.get(acl);
    if (index === undefined) throw new Error('ACL list was not interned by this tree');
    return index;
  }

  /** The lists in use with their indexes, in index order, as a snapshot's ACL map lists them. */
  entries(): [index: number, acl: readonly ACL[]][] {
    return Array.from(this.byList.values(), (e) => [e.index, e.acl] as [number, readonly ACL[]]).sort((a, b) => a[0] - b[0]);
  }

  /**
   * Loads a snapshot's ACL map (ReferenceCountedACLCache.deserialize): the lists keep their indexes, numbering
   * continues after the highest, and each starts unused until restored nodes intern it. Returns the interned lists.
   */
  restore(map: ReadonlyMap<number, readonly ACL[]>): Map<number, readonly ACL[]> {
    for (const entry of [...this.byList.values()]) this.forget(entry);
    const lists = new Map<number, readonly ACL[]>();
    for (const [index, acl] of map) {
      const key = aclKey(acl);
      // Two indexes for one list cannot come from ZooKeeper; the later one wins its lookups, as in its HashMap.
      const entry = this.add(freezeAcl(acl), key, index);
      lists.set(index, entry.acl);
      if (index > this.lastIndex) this.lastIndex = index;
    }
    return lists;
  }

  /** After a restore: lists that no node uses are dropped, as ZooKeeper's purgeUnused does. */
  purgeUnused(): void {
    for (const entry of [...this.byList.values()]) if (entry.refs <= 0) this.forget(entry);
  }

  /** Distinct lists in use (ZooKeeper's aclCacheSize). */
  get size(): number {
    return this.byKey.size;
  }

  private add(acl: readonly ACL[], key: string, index: number): Entry {
    const entry: Entry = { acl, key, index, refs: 0 };
    const previous = this.byKey.get(key);
    if (previous !== undefined) this.byList.delete(previous.acl);
    this.byKey.set(key, entry);
    this.byList.set(acl, entry);
    this.indexOfList.set(acl, index);
    return entry;
  }

  private forget(entry: Entry): void {
    this.byList.delete(entry.acl);
    if (this.byKey.get(entry.key) === entry) this.byKey.delete(entry.key);
  }
}

function aclKey(acl: readonly ACL[]): string {
  // JSON keeps the key unambiguous whatever characters a scheme or id contains.
  return JSON.stringify(acl.map((a) => [a.perms, a.id.scheme, a.id.id]));
}

function freezeAcl(acl: readonly ACL[]): readonly ACL[] {
  return Object.freeze(acl.map((a) => Object.freeze({ perms: a.perms, id: Object.freeze({ scheme: a.id.scheme, id: a.id.id }) })));
}
