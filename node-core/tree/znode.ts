// One znode as the DataTree keeps it: its persisted fields (what a snapshot stores), the compact live node with its
// data as a one-byte string, and the small helpers that keep child sets and copies cheap.
import { containerEphemeralOwner, ttlFromEphemeralOwner } from '../protocol/constants.js';
import type { ACL } from '../protocol/records.js';

/** A znode's persisted fields, as a snapshot stores them. */
export interface NodeRecord {
  /** On a live node, a fresh copy per read (see ZNode); null and empty are different values, as in ZooKeeper. */
  readonly data: Buffer | null;
  /** An interned, frozen list shared by every node with the same ACL. */
  readonly acl: readonly ACL[];
  readonly czxid: bigint;
  readonly mzxid: bigint;
  readonly ctime: bigint;
  readonly mtime: bigint;
  readonly version: number;
  /**
   * ZooKeeper's persisted cversion (StatPersisted): the number of child creations, which is also the next
   * sequential suffix. Clients see `2 * cversion - numChildren` (creations plus deletions); use statOf for that.
   */
  readonly cversion: number;
  readonly aversion: number;
  readonly ephemeralOwner: bigint;
  readonly pzxid: bigint;
}

export interface DataNode extends NodeRecord {
  readonly children: ReadonlySet<string>;
}

// Leaves share this set, so a million leaves cost no million empty Sets; it is never added to.
export const noChildren: Set<string> = new Set<string>();

// Data is kept as a one-byte (latin1) string rather than a Buffer: a string costs its length plus 16 bytes and lives
// in the compacting JS heap, while a small Buffer costs ~90 bytes of object and pins a whole 8 KiB pool slab shared
// with short-lived buffers, which multiplied resident memory several times over with a million nodes.
/** Clients see only real session owners; the container and TTL markers are the server's business (DataNode). */
export function clientEphemeralOwner(owner: bigint): bigint {
  if (owner === containerEphemeralOwner || ttlFromEphemeralOwner(owner) !== undefined) return 0n;
  return owner;
}

export class ZNode implements DataNode {
  children: Set<string> = noChildren;
  constructor(
    public bytes: string | null,
    public acl: readonly ACL[],
    public czxid: bigint,
    public mzxid: bigint,
    public ctime: bigint,
    public mtime: bigint,
    public version: number,
    public cversion: number,
    public aversion: number,
    public ephemeralOwner: bigint,
    public pzxid: bigint,
  ) {}

  /** A fresh copy on every read: read it once per request. */
  get data(): Buffer | null {
    return this.bytes === null ? null : Buffer.from(this.bytes, 'latin1');
  }
}

export function toBytes(data: Buffer | null): string | null {
  return data === null ? null : data.toString('latin1');
}

export function dataLengthOf(node: DataNode): number {
  return node instanceof ZNode ? (node.bytes === null ? 0 : node.bytes.length) : node.data === null ? 0 : node.data.length;
}

/** A node's data as the one-byte string a live node keeps (no Buffer copy), for writing snapshots. */
export function latin1DataOf(record: NodeRecord): string | null {
  return record instanceof ZNode ? record.bytes : record.data === null ? null : record.data.toString('latin1');
}

/** A snapshot's node: its data either as bytes or already as the latin1 string a node keeps. */
export type RestoredRecord = Omit<NodeRecord, 'data'> & { readonly data: Buffer | string | null };


export function addChild(parent: ZNode, name: string): void {
  if (parent.children === noChildren) parent.children = new Set();
  parent.children.add(name);
}

export function removeChild(parent: ZNode, name: string): void {
  if (!parent.children.delete(name)) return;
  if (parent.children.size === 0) parent.children = noChildren;
}

export function copyRecord(r: NodeRecord): NodeRecord {
  return {
    data: r.data,
    acl: r.acl,
    czxid: r.czxid,
    mzxid: r.mzxid,
    ctime: r.ctime,
    mtime: r.mtime,
    version: r.version,
    cversion: r.cversion,
    aversion: r.aversion,
    ephemeralOwner: r.ephemeralOwner,
    pzxid: r.pzxid,
  };
}
