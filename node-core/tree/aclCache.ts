// Interns ACL lists so that every znode with the same ACL points at one frozen array, as ZooKeeper's
// ReferenceCountedACLCache does: a million nodes with the default ACL then cost one list, not a million.
import type { ACL } from '../protocol/records.js';

interface Entry {
  readonly acl: readonly ACL[];
  readonly key: string;
  refs: number;
}

export class AclCache {
  private readonly byKey = new Map<string, Entry>();
  private readonly byList = new Map<readonly ACL[], Entry>();

  /** The shared list equal to `acl` (same entries, same order), counting one more user of it. */
  intern(acl: readonly ACL[]): readonly ACL[] {
    const known = this.byList.get(acl);
    if (known !== undefined) {
      known.refs++;
      return known.acl;
    }
    const key = aclKey(acl);
    let entry = this.byKey.get(key);
    if (entry === undefined) {
      entry = { acl: freezeAcl(acl), key, refs: 0 };
      this.byKey.set(key, entry);
      this.byList.set(entry.acl, entry);
    }
    entry.refs++;
    return entry.acl;
  }

  /** One user fewer of an interned list; the list is forgotten when nobody uses it. */
  release(acl: readonly ACL[]): void {
    const entry = this.byList.get(acl);
    if (entry === undefined) return;
    if (--entry.refs > 0) return;
    this.byList.delete(entry.acl);
    this.byKey.delete(entry.key);
  }

  /** Distinct lists in use (ZooKeeper's aclCacheSize). */
  get size(): number {
    return this.byKey.size;
  }
}

function aclKey(acl: readonly ACL[]): string {
  // JSON keeps the key unambiguous whatever characters a scheme or id contains.
  return JSON.stringify(acl.map((a) => [a.perms, a.id.scheme, a.id.id]));
}

function freezeAcl(acl: readonly ACL[]): readonly ACL[] {
  return Object.freeze(acl.map((a) => Object.freeze({ perms: a.perms, id: Object.freeze({ scheme: a.id.scheme, id: a.id.id }) })));
}
