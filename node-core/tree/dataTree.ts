// The in-memory znode tree with ZooKeeper's DataTree semantics: stats, the persisted cversion, ephemeral, container
// and TTL bookkeeping, interned ACLs, and a copy-on-write view that lets a snapshot be written while the tree changes.
// It is changed only by applyTxn (and by snapshot loading), so every server that applies the same txns agrees.
import { Perms, containerEphemeralOwner, ttlFromEphemeralOwner } from '../protocol/constants.js';
import { ErrorCode } from '../protocol/errorCodes.js';
import type { ACL, Stat } from '../protocol/records.js';
import { AclCache, openUnsafeAcl } from './aclCache.js';
import { viewEntries, type PreservedNode } from './consistentView.js';
import { baseName, joinPath, parentPath } from './pathValidation.js';
import { QuotaStats } from './quotaStats.js';

import {
  ZNode,
  addChild,
  clientEphemeralOwner,
  copyRecord,
  dataLengthOf,
  noChildren,
  removeChild,
  toBytes,
  type DataNode,
  type NodeRecord,
  type RestoredRecord,
} from './znode.js';

export { latin1DataOf, type DataNode, type NodeRecord, type RestoredRecord } from './znode.js';

const noPaths: ReadonlySet<string> = new Set<string>();
/** A point-in-time view of the tree for writing a snapshot while the live tree keeps changing. */
export interface ConsistentView {
  /** lastProcessedZxid when the view began: the snapshot holds exactly the txns up to it. */
  readonly zxid: bigint;
  /** Every node (parents before children) as it was when the view began, the node yielded being valid until the next read. */
  readonly entries: Generator<[path: string, node: NodeRecord], void, undefined>;
  /** The ACL map as it was when the view began: every list a yielded node can hold, with its snapshot index. */
  readonly acls: readonly [index: number, acl: readonly ACL[]][];
  /** The index a snapshot stores for a yielded node's ACL. */
  aclIndexOf(acl: readonly ACL[]): number;
  /** Ends the view early; exhausting `entries` ends it too. */
  close(): void;
}

const zero = 0n;
const readOnlyAcl: readonly ACL[] = [{ perms: Perms.read, id: { scheme: 'world', id: 'anyone' } }];
export const zookeeperPath = '/zookeeper';
export const quotaPath = '/zookeeper/quota';
export const configPath = '/zookeeper/config';

export class DataTree {
  private readonly nodes = new Map<string, ZNode>();
  private readonly aclCache = new AclCache();
  private readonly ephemerals = new Map<bigint, Set<string>>();
  private readonly containerPaths = new Set<string>();
  private readonly ttlPaths = new Set<string>();
  private dataSize = 0;
  private view: Map<string, PreservedNode<NodeRecord> | null> | undefined;
  /** The highest zxid applied; a snapshot or a restart resumes after it. */
  lastProcessedZxid = 0n;
  /** Quota usage in /zookeeper/quota/<path>/zookeeper_stats, kept up to date by every create, delete and setData. */
  readonly quotas = new QuotaStats(this);

  constructor() {
    // The system nodes exactly as a fresh Apache ZooKeeper 3.8 shows them: all-zero stats, empty (not null) data,
    // and /zookeeper/config read-only with aclVersion -1 (ZOOKEEPER-2014 sets its ACL with version -1).
    // Like ZooKeeper, the first three point at OPEN_ACL_UNSAFE outside the ACL cache (ref -1), and the config node's
    // ACL is the first one the cache numbers (index 1).
    this.addSystemNode('/', openUnsafeAcl);
    this.addSystemNode(zookeeperPath, openUnsafeAcl);
    this.addSystemNode(quotaPath, openUnsafeAcl);
    this.addSystemNode(configPath, readOnlyAcl).aversion = -1;
  }

  private addSystemNode(path: string, acl: readonly ACL[]): ZNode {
    const node = new ZNode('', this.aclCache.intern(acl), zero, zero, zero, zero, 0, 0, 0, zero, zero);
    if (path !== '/') addChild(this.nodes.get(parentPath(path))!, baseName(path));
    this.nodes.set(path, node);
    this.dataSize += path.length;
    return node;
  }

  // ---- reads ----

  /** ZooKeeper files the root under "" as well as "/", so reads of "" see the root. */
  getNode(path: string): DataNode | undefined {
    return this.nodes.get(path === '' ? '/' : path);
  }

  /** The Stat clients see: cversion counts creations and deletions, and the lengths are filled in. */
  statOf(node: DataNode): Stat {
    const numChildren = node.children.size;
    return {
      czxid: node.czxid,
      mzxid: node.mzxid,
      ctime: node.ctime,
      mtime: node.mtime,
      version: node.version,
      cversion: (node.cversion * 2 - numChildren) | 0,
      aversion: node.aversion,
      ephemeralOwner: clientEphemeralOwner(node.ephemeralOwner),
      dataLength: dataLengthOf(node),
      numChildren,
      pzxid: node.pzxid,
    };
  }

  getStat(path: string): Stat | undefined {
    const node = this.nodes.get(path);
    return node === undefined ? undefined : this.statOf(node);
  }

  /** ZooKeeper's getNodeCount, which counts the root twice (it is also stored under ""): 5 on a fresh server. */
  get nodeCount(): number {
    return this.nodes.size + 1;
  }

  /** Sum of path lengths (UTF-16 units, as Java's String.length) and data lengths: 44 on a fresh server. */
  approximateDataSize(): number {
    return this.dataSize;
  }

  /** Distinct ACL lists in use. */
  get aclCacheSize(): number {
    return this.aclCache.size;
  }

  /** A session's ephemeral paths; a session keeps its (possibly empty) entry until it closes, as in ZooKeeper. */
  ephemeralsOf(sessionId: bigint): ReadonlySet<string> {
    return this.ephemerals.get(sessionId) ?? noPaths;
  }

  sessionsWithEphemerals(): ReadonlyMap<bigint, ReadonlySet<string>> {
    return this.ephemerals;
  }

  ephemeralCount(): number {
    let count = 0;
    for (const paths of this.ephemerals.values()) count += paths.size;
    return count;
  }

  containers(): ReadonlySet<string> {
    return this.containerPaths;
  }

  ttlNodes(): ReadonlySet<string> {
    return this.ttlPaths;
  }

  /** getAllChildrenNumber: every descendant of path (for "/", every node but the root, /zookeeper included). */
  allChildrenCount(path: string): number {
    if (path === '/') return this.nodes.size - 1;
    let count = -1;
    for (const _ of this.walk(path)) count++;
    return Math.max(count, 0);
  }

  /** The paths of a subtree, parents before children; nothing when path does not exist. */
  *walk(path: string): Generator<string, void, undefined> {
    const top = this.nodes.get(path);
    if (top === undefined) return;
    yield path;
    const stack: { parent: string; names: Iterator<string> }[] = [];
    if (top.children.size > 0) stack.push({ parent: path, names: Array.from(top.children).values() });
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const next = frame.names.next();
      if (next.done) {
        stack.pop();
        continue;
      }
      const childPath = joinPath(frame.parent, next.value);
      const child = this.nodes.get(childPath);
      if (child === undefined) continue;
      yield childPath;
      if (child.children.size > 0) stack.push({ parent: childPath, names: Array.from(child.children).values() });
    }
  }

  // ---- mutations (applyTxn and snapshot loading only) ----

  /**
   * DataTree.createNode: parentCVersion is the parent's new persisted cversion computed at prep time (-1: parent's
   * + 1). It only ever raises the parent's cversion and pzxid, so replaying a create over a fuzzy snapshot cannot
   * move them back. On NodeExists the existing node takes the txn's ACL, as ZooKeeper does.
   */
  createNode(
    path: string,
    data: Buffer | null,
    acl: readonly ACL[],
    ephemeralOwner: bigint,
    parentCVersion: number,
    zxid: bigint,
    time: bigint,
  ): number {
    const parentName = parentPath(path);
    const parent = this.nodes.get(parentName);
    if (parent === undefined) return ErrorCode.noNode;
    const interned = this.aclCache.intern(acl);
    const existing = this.nodes.get(path);
    if (existing !== undefined) {
      this.preserve(path, existing);
      this.aclCache.release(existing.acl);
      existing.acl = interned;
      return ErrorCode.nodeExists;
    }
    this.preserve(parentName, parent);
    this.preserve(path, undefined);
    const newCVersion = parentCVersion === -1 ? parent.cversion + 1 : parentCVersion;
    if (newCVersion > parent.cversion) {
      parent.cversion = newCVersion;
      parent.pzxid = zxid;
    }
    const child = new ZNode(toBytes(data), interned, zxid, zxid, time, time, 0, 0, 0, ephemeralOwner, zxid);
    addChild(parent, baseName(path));
    this.nodes.set(path, child);
    this.dataSize += path.length + (data === null ? 0 : data.length);
    this.trackOwner(path, ephemeralOwner);
    this.quotas.created(path, data === null ? 0 : data.length);
    return ErrorCode.ok;
  }

  /**
   * DataTree.deleteNode: the parent's pzxid moves forward even when the child is already gone (a delete replayed
   * over a fuzzy snapshot); the persisted cversion is untouched, the reported one rises as numChildren falls.
   */
  deleteNode(path: string, zxid: bigint): number {
    const parentName = parentPath(path);
    const parent = this.nodes.get(parentName);
    if (parent === undefined) return ErrorCode.noNode;
    this.preserve(parentName, parent);
    removeChild(parent, baseName(path));
    if (zxid > parent.pzxid) parent.pzxid = zxid;
    const node = this.nodes.get(path);
    if (node === undefined) return ErrorCode.noNode;
    this.preserve(path, node);
    this.nodes.delete(path);
    this.aclCache.release(node.acl);
    this.dataSize -= path.length + dataLengthOf(node);
    this.untrackOwner(path, node.ephemeralOwner);
    this.quotas.deleted(path, dataLengthOf(node));
    return ErrorCode.ok;
  }

  /** Sets data, mtime, mzxid and the version the txn carries; undefined when the node does not exist. */
  setData(path: string, data: Buffer | null, version: number, zxid: bigint, time: bigint): Stat | undefined {
    const node = this.nodes.get(path);
    if (node === undefined) return undefined;
    this.preserve(path, node);
    const bytesDiff = (data === null ? 0 : data.length) - dataLengthOf(node);
    this.dataSize += bytesDiff;
    node.bytes = toBytes(data);
    node.mtime = time;
    node.mzxid = zxid;
    node.version = version;
    this.quotas.dataChanged(path, bytesDiff);
    return this.statOf(node);
  }

  /**
   * A quota stat node's new usage: its data changes and nothing else, not even the tree's data size, exactly as
   * ZooKeeper's updateQuotaStat leaves them (mntr's approximate data size then matches ZooKeeper's).
   */
  replaceDataQuietly(path: string, data: Buffer): void {
    const node = this.nodes.get(path);
    if (node === undefined) return;
    this.preserve(path, node);
    node.bytes = toBytes(data);
  }

  /** Sets the ACL and the aclVersion the txn carries; undefined when the node does not exist. */
  setACL(path: string, acl: readonly ACL[], version: number): Stat | undefined {
    const node = this.nodes.get(path);
    if (node === undefined) return undefined;
    this.preserve(path, node);
    const interned = this.aclCache.intern(acl);
    this.aclCache.release(node.acl);
    node.acl = interned;
    node.aversion = version;
    return this.statOf(node);
  }

  /** Raises a node's persisted cversion (and sets pzxid) only if newCVersion is higher; -1 means current + 1. */
  setCversionPzxid(path: string, newCVersion: number, zxid: bigint): number {
    const node = this.nodes.get(path);
    if (node === undefined) return ErrorCode.noNode;
    const target = newCVersion === -1 ? node.cversion + 1 : newCVersion;
    if (target > node.cversion) {
      this.preserve(path, node);
      node.cversion = target;
      node.pzxid = zxid;
    }
    return ErrorCode.ok;
  }

  /**
   * Deletes a closed session's ephemerals as DataTree.killSession does: first the paths the txn lists, then any the
   * tree still knows for the session. Returns the paths actually deleted, in order, for watch triggers.
   */
  killSession(sessionId: bigint, zxid: bigint, pathsInTxn: readonly string[] | null): string[] {
    const local = this.ephemerals.get(sessionId);
    this.ephemerals.delete(sessionId);
    const deleted: string[] = [];
    const remove = (path: string) => {
      if (this.deleteNode(path, zxid) === ErrorCode.ok) deleted.push(path);
    };
    if (pathsInTxn !== null) pathsInTxn.forEach(remove);
    if (local !== undefined) {
      if (pathsInTxn !== null) for (const path of pathsInTxn) local.delete(path);
      local.forEach(remove);
    }
    return deleted;
  }

  private trackOwner(path: string, owner: bigint): void {
    if (owner === zero) return;
    if (owner === containerEphemeralOwner) this.containerPaths.add(path);
    else if (ttlFromEphemeralOwner(owner) !== undefined) this.ttlPaths.add(path);
    else {
      let paths = this.ephemerals.get(owner);
      if (paths === undefined) this.ephemerals.set(owner, (paths = new Set()));
      paths.add(path);
    }
  }

  private untrackOwner(path: string, owner: bigint): void {
    if (owner === zero) return;
    if (owner === containerEphemeralOwner) this.containerPaths.delete(path);
    else if (ttlFromEphemeralOwner(owner) !== undefined) this.ttlPaths.delete(path);
    else this.ephemerals.get(owner)?.delete(path);
  }

  // ---- snapshots ----

  /**
   * Begins a copy-on-write view: until it ends, every node about to change is first copied aside, so the view's
   * entries are exactly the tree at `zxid` however the live tree changes between reads. Only one view at a time.
   */
  openConsistentView(): ConsistentView {
    if (this.view !== undefined) throw new Error('a snapshot view is already open');
    const view = new Map<string, PreservedNode<NodeRecord> | null>();
    this.view = view;
    const end = () => {
      if (this.view === view) this.view = undefined;
    };
    const entries = viewEntries<NodeRecord, ZNode>(this.nodes, view, end);
    const aclCache = this.aclCache;
    return {
      zxid: this.lastProcessedZxid,
      entries,
      acls: aclCache.entries(),
      aclIndexOf: (acl) => aclCache.indexOf(acl),
      close: () => {
        entries.return(undefined);
        end();
      },
    };
  }

  private preserve(path: string, node: ZNode | undefined): void {
    const view = this.view;
    if (view === undefined || view.has(path)) return;
    view.set(path, node === undefined ? null : { record: copyRecord(node) });
  }

  /**
   * Starts a restore by loading a snapshot's ACL map; returns index -> the interned list that restoreNode expects
   * (-1, the built-in nodes' OPEN_ACL_UNSAFE, is always there).
   */
  restoreAcls(map: ReadonlyMap<number, readonly ACL[]>): Map<number, readonly ACL[]> {
    const lists = this.aclCache.restore(map);
    lists.set(-1, openUnsafeAcl);
    return lists;
  }

  /**
   * Puts one node read from a snapshot into the tree (parents come before children). The system nodes already
   * exist and are overwritten in place. `record.data` may be the latin1 string the node keeps, which spares a
   * million-node restore a Buffer per node.
   */
  restoreNode(path: string, record: RestoredRecord): DataNode {
    const bytes = typeof record.data === 'string' || record.data === null ? record.data : toBytes(record.data);
    // The system nodes exist already, and a fuzzy snapshot may list a node twice (yielded live, then preserved when
    // it changed after that; both copies hold the same state). Either way the parent already lists the name, which
    // the child set reports for free while the big node map would charge a lookup for every node.
    let existing: ZNode | undefined;
    let parent: ZNode | undefined;
    if (path === '/') existing = this.nodes.get(path);
    else {
      parent = this.restoreParentOf(path);
      if (parent.children === noChildren) parent.children = new Set();
      const before = parent.children.size;
      parent.children.add(path.slice(path.lastIndexOf('/') + 1));
      if (parent.children.size === before) existing = this.nodes.get(path);
    }
    if (existing !== undefined) {
      this.untrackOwner(path, existing.ephemeralOwner);
      this.aclCache.release(existing.acl);
      this.dataSize -= dataLengthOf(existing);
      existing.bytes = bytes;
      existing.czxid = record.czxid;
      existing.mzxid = record.mzxid;
      existing.ctime = record.ctime;
      existing.mtime = record.mtime;
      existing.version = record.version;
      existing.cversion = record.cversion;
      existing.aversion = record.aversion;
      existing.ephemeralOwner = record.ephemeralOwner;
      existing.pzxid = record.pzxid;
      existing.acl = this.aclCache.intern(record.acl);
      this.dataSize += bytes === null ? 0 : bytes.length;
      this.trackOwner(path, record.ephemeralOwner);
      this.noteRestored(path, existing);
      return existing;
    }
    if (parent === undefined) throw new Error('snapshot lists the root, which every tree has, as missing');
    const r = record;
    const node = new ZNode(
      bytes,
      this.aclCache.intern(r.acl),
      r.czxid,
      r.mzxid,
      r.ctime,
      r.mtime,
      r.version,
      r.cversion,
      r.aversion,
      r.ephemeralOwner,
      r.pzxid,
    );
    this.nodes.set(path, node);
    this.dataSize += path.length + (bytes === null ? 0 : bytes.length);
    this.trackOwner(path, r.ephemeralOwner);
    this.noteRestored(path, node);
    return node;
  }

  /** The ancestors of the last restored node, root first: ZooKeeper writes depth first, so a parent is among them. */
  private restoreChain: { path: string; node: ZNode }[] = [];

  /** After the last restoreNode: drops unused ACLs (as ZooKeeper does) and the ancestors remembered for the restore. */
  endRestore(): void {
    this.restoreChain = [];
    this.aclCache.purgeUnused();
    this.quotas.rebuild();
  }

  /** Finds the parent among the previous node's ancestors (siblings and depth-first order), else by lookup. */
  private restoreParentOf(path: string): ZNode {
    const cut = path.lastIndexOf('/');
    const chain = this.restoreChain;
    while (chain.length > 0) {
      const top = chain[chain.length - 1]!;
      if (cut === 0 ? top.path === '/' : cut === top.path.length && path.startsWith(top.path)) return top.node;
      chain.pop();
    }
    const parentAt = parentPath(path);
    const parent = this.nodes.get(parentAt);
    if (parent === undefined) throw new Error(`snapshot lists ${path} before its parent`);
    chain.push({ path: parentAt, node: parent });
    return parent;
  }

  /** Remembers a restored node as a possible parent of the next ones. */
  private noteRestored(path: string, node: ZNode): void {
    this.restoreChain.push({ path, node });
  }
}
