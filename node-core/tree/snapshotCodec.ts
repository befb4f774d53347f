// The snapshot body exactly as Apache ZooKeeper writes it (SerializeUtils.serializeSnapshot): the session table,
// then the DataTree (ReferenceCountedACLCache map, nodes parents first, the "/" end marker). Written in ~64 KiB
// chunks from a consistent copy-on-write view (so the server keeps serving while it writes) together with the tree
// digest ZooKeeper 3.6+ stores after it; read back from one buffer without a Buffer or a map lookup per node. The
// file header, seals and digest trailer around it belong to the storage layer; a quorum SNAP carries this body.
//
// Layout (jute, big-endian):
//   int count, {long sessionId, int timeOut} * count
//   int aclCount, {long index, vector<ACL {int perms, ustring scheme, ustring id}>} * aclCount
//   {ustring path, buffer data, long aclRef, long czxid, long mzxid, long ctime, long mtime, int version,
//    int cversion, int aversion, long ephemeralOwner, long pzxid} per node, the root under path ""
//   ustring "/"
// aclRef -1 is OPEN_ACL_UNSAFE without an entry in the map (ZooKeeper's built-in nodes).
import type { ACL } from '../protocol/records.js';
import { DataTree, latin1DataOf, type ConsistentView, type NodeRecord } from './dataTree.js';
import { javaHashMapCopyOrder } from './javaHashOrder.js';
import { SnapshotFormatError, readAclMap, readSessions } from './snapshotReader.js';
import { DIGEST_VERSION, TreeDigest } from './treeDigest.js';

export { SnapshotFormatError } from './snapshotReader.js';

const defaultChunkBytes = 64 * 1024;
const endMarker = '/';

export interface LoadedSnapshot {
  tree: DataTree;
  /** sessionId -> timeOut (ms) */
  sessions: Map<bigint, number>;
  /** Offset just after the "/" end marker: what follows in a file is the seal and trailers. */
  end: number;
}

/** ZooKeeper's ZxidDigest: the tree digest as of a zxid; zxid 0 means "no digest". */
export interface ZxidDigest {
  zxid: bigint;
  version: number;
  digest: bigint;
}

export interface SerializeOptions {
  chunkBytes?: number;
  /** Receives the digest of the tree written, once the last chunk has been produced. */
  onDigest?: (digest: ZxidDigest) => void;
}

/**
 * The snapshot of tree and sessions as they are at this call, in chunks of about chunkBytes. The tree may be changed
 * between chunks: a copy-on-write view keeps the output exactly the state at tree.lastProcessedZxid (read it before
 * calling). Exhaust the generator or call its return(), or the view stays open.
 */
export function serializeSnapshot(
  tree: DataTree,
  sessions: ReadonlyMap<bigint, number>,
  options: SerializeOptions | number = {},
): Generator<Buffer, void, undefined> {
  const { chunkBytes = defaultChunkBytes, onDigest } = typeof options === 'number' ? { chunkBytes: options } : options;
  const view = tree.openConsistentView();
  const chunks = writeChunks(view, Array.from(sessions), chunkBytes, onDigest);
  // A generator abandoned before its first chunk never enters its finally block; the view must still end.
  const finish = chunks.return.bind(chunks);
  chunks.return = (value) => {
    view.close();
    return finish(value);
  };
  return chunks;
}

/** A growable output buffer handed out in chunks; digest input is read back from it without copies. */
class ChunkWriter {
  buf: Buffer;
  at = 0;

  constructor(private readonly chunkBytes: number) {
    this.buf = Buffer.allocUnsafe(chunkBytes + 4096);
  }

  reserve(count: number): void {
    if (this.at + count <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + count));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  int(value: number): void {
    this.reserve(4);
    this.at = this.buf.writeInt32BE(value | 0, this.at);
  }

  long(value: bigint): void {
    this.reserve(8);
    this.at = this.buf.writeBigInt64BE(BigInt.asIntN(64, value), this.at);
  }

  string(value: string, encoding: 'utf8' | 'latin1'): void {
    const length = encoding === 'latin1' ? value.length : Buffer.byteLength(value, 'utf8');
    this.reserve(4 + length);
    this.at = this.buf.writeInt32BE(length, this.at);
    this.at += this.buf.write(value, this.at, length, encoding);
  }

  full(): boolean {
    return this.at >= this.chunkBytes;
  }

  /** Hands the bytes over without a copy and starts a fresh buffer. */
  take(): Buffer {
    const chunk = this.buf.subarray(0, this.at);
    this.buf = Buffer.allocUnsafe(this.chunkBytes + 4096);
    this.at = 0;
    return chunk;
  }
}

function* writeChunks(
  view: ConsistentView,
  sessions: readonly [bigint, number][],
  chunkBytes: number,
  onDigest: ((digest: ZxidDigest) => void) | undefined,
): Generator<Buffer, void, undefined> {
  try {
    const w = new ChunkWriter(chunkBytes);
    // ZooKeeper copies both maps into a java.util.HashMap before writing; its order makes the bytes comparable.
    const sessionOrder = javaHashMapCopyOrder(sessions, ([id]) => id);
    w.int(sessionOrder.length);
    for (const [sessionId, timeOut] of sessionOrder) {
      w.long(sessionId);
      w.int(timeOut);
    }
    const acls = javaHashMapCopyOrder(view.acls, ([index]) => BigInt(index));
    w.int(acls.length);
    for (const [index, list] of acls) writeAclEntry(w, index, list);
    if (w.full()) yield w.take();
    const digest = new TreeDigest();
    for (const [path, node] of view.entries) {
      writeNode(w, path, node, view.aclIndexOf(node.acl), digest);
      if (w.full()) yield w.take();
    }
    w.string(endMarker, 'latin1');
    yield w.take();
    // A tree at zxid 0 has applied nothing; ZooKeeper then writes the empty digest, which readers skip.
    onDigest?.({ zxid: view.zxid, version: DIGEST_VERSION, digest: view.zxid === 0n ? 0n : digest.value() });
  } finally {
    view.close();
  }
}

function writeAclEntry(w: ChunkWriter, index: number, list: readonly ACL[]): void {
  w.long(BigInt(index));
  w.int(list.length);
  for (const acl of list) {
    w.int(acl.perms);
    w.string(acl.id.scheme, 'utf8');
    w.string(acl.id.id, 'utf8');
  }
}

function writeNode(w: ChunkWriter, path: string, node: NodeRecord, aclRef: number, digest: TreeDigest): void {
  const zkPath = path === '/' ? '' : path;
  const pathAt = w.at + 4;
  w.string(zkPath, 'utf8');
  const pathEnd = w.at;
  const data = latin1DataOf(node);
  let dataAt = -1;
  if (data === null) w.int(-1);
  else {
    dataAt = w.at + 4;
    w.string(data, 'latin1');
  }
  const dataEnd = w.at;
  w.reserve(68);
  const b = w.buf;
  let at = w.at;
  at = b.writeInt32BE(aclRef < 0 ? -1 : Math.floor(aclRef / 2 ** 32), at);
  at = b.writeUInt32BE(aclRef < 0 ? 0xffffffff : aclRef % 2 ** 32, at);
  // Most nodes repeat czxid in mzxid and pzxid, and ctime in mtime: copying the bytes spares a bigint encode.
  const czxidAt = at;
  at = b.writeBigInt64BE(node.czxid, at);
  at = node.mzxid === node.czxid ? copyLong(b, czxidAt, at) : b.writeBigInt64BE(node.mzxid, at);
  const ctimeAt = at;
  at = b.writeBigInt64BE(node.ctime, at);
  at = node.mtime === node.ctime ? copyLong(b, ctimeAt, at) : b.writeBigInt64BE(node.mtime, at);
  at = b.writeInt32BE(node.version, at);
  at = b.writeInt32BE(node.cversion, at);
  at = b.writeInt32BE(node.aversion, at);
  if (node.ephemeralOwner === 0n) {
    b.fill(0, at, at + 8);
    at += 8;
  } else at = b.writeBigInt64BE(BigInt.asIntN(64, node.ephemeralOwner), at);
  at = node.pzxid === node.czxid ? copyLong(b, czxidAt, at) : b.writeBigInt64BE(node.pzxid, at);
  w.at = at;
  if (!TreeDigest.excludes(zkPath)) digest.addWritten(b, pathAt, pathEnd, dataAt < 0 ? dataEnd : dataAt, dataEnd, dataEnd + 8);
}

function copyLong(b: Buffer, from: number, to: number): number {
  for (let i = 0; i < 8; i++) b[to + i] = b[from + i]!;
  return to + 8;
}

/**
 * Reads a snapshot body (from one buffer, or the chunks serializeSnapshot produced) into a new tree. Stops after the
 * "/" end marker: `end` says where, and the caller decides what may follow. Throws SnapshotFormatError with the
 * offset of the first thing that is wrong.
 */
export function deserializeSnapshot(input: Buffer | Iterable<Buffer>): LoadedSnapshot {
  const buf = Buffer.isBuffer(input) ? input : Buffer.concat([...input]);
  const { tree, sessions, acls, end: headEnd } = readSnapshotHead(buf);
  const { end } = readNodes(buf, headEnd, tree, acls, false);
  tree.endRestore();
  return { tree, sessions, end };
}

const zero = 0n;

export interface SnapshotHead {
  tree: DataTree;
  sessions: Map<bigint, number>;
  /** ACL index -> the interned list restoreNode expects. */
  acls: ReadonlyMap<number, readonly ACL[]>;
  end: number;
}

/** The sessions and the ACL map, restored into a new tree that readNodes then fills. */
export function readSnapshotHead(buf: Buffer): SnapshotHead {
  const tree = new DataTree();
  const { sessions, end: sessionsEnd } = readSessions(buf, 0);
  const { map, end } = readAclMap(buf, sessionsEnd);
  return { tree, sessions, acls: tree.restoreAcls(map), end };
}

/**
 * Where readNodes stopped: after the "/" end marker (done), or, reading a body still arriving (partial), at the
 * start of a node cut short, which needs at least `needed` bytes from there.
 */
export interface NodesRead {
  end: number;
  done: boolean;
  needed: number;
}

/**
 * The node loop, kept flat and allocation-light: a million nodes should cost a million small records, not more.
 * `partial`: the bytes are a prefix of a body still arriving, so running out of them is not an error.
 */
export function readNodes(
  buf: Buffer,
  start: number,
  tree: DataTree,
  acls: ReadonlyMap<number, readonly ACL[]>,
  partial: boolean,
): NodesRead {
  const limit = buf.length;
  let o = start;
  const fail = (what: string, at: number): never => {
    throw new SnapshotFormatError(what, at);
  };
  for (;;) {
    const nodeAt = o;
    if (o + 4 > limit) {
      if (partial) return { end: nodeAt, done: false, needed: 4 };
      fail('snapshot ends before the "/" end marker', o);
    }
    const pathLength = buf.readInt32BE(o);
    if (pathLength < 0) fail(`bad path length ${pathLength}`, o);
    if (o + 4 + pathLength > limit) {
      if (partial) return { end: nodeAt, done: false, needed: 4 + pathLength + 4 };
      fail(`bad path length ${pathLength}`, o);
    }
    const path = buf.toString('utf8', o + 4, o + 4 + pathLength);
    o += 4 + pathLength;
    if (path === endMarker) return { end: o, done: true, needed: 0 };
    if (o + 4 > limit) {
      if (partial) return { end: nodeAt, done: false, needed: o + 4 - nodeAt };
      fail(`node ${path} is cut short`, nodeAt);
    }
    const dataLength = buf.readInt32BE(o);
    if (dataLength < -1) fail(`node ${path} has bad data length ${dataLength}`, o);
    if (o + 4 + Math.max(dataLength, 0) + 68 > limit) {
      if (partial) return { end: nodeAt, done: false, needed: o + 4 + Math.max(dataLength, 0) + 68 - nodeAt };
      fail(`node ${path} has bad data length ${dataLength}`, o);
    }
    const data = dataLength === -1 ? null : buf.toString('latin1', o + 4, o + 4 + dataLength);
    o += 4 + Math.max(dataLength, 0);
    const refHigh = buf.readInt32BE(o);
    const refLow = buf.readUInt32BE(o + 4);
    const aclRef = refHigh === -1 && refLow === 0xffffffff ? -1 : refHigh * 2 ** 32 + refLow;
    const acl = acls.get(aclRef);
    if (acl === undefined) fail(`node ${path} refers to ACL ${aclRef}, which the snapshot's ACL map does not hold`, o);
    // Equal values share one bigint, which keeps a loaded tree as small as one built by applying txns.
    const czxid = buf.readBigInt64BE(o + 8);
    const mzxid = sameLong(buf, o + 16, o + 8) ? czxid : buf.readBigInt64BE(o + 16);
    const ctime = buf.readBigInt64BE(o + 24);
    const mtime = sameLong(buf, o + 32, o + 24) ? ctime : buf.readBigInt64BE(o + 32);
    const version = buf.readInt32BE(o + 40);
    const cversion = buf.readInt32BE(o + 44);
    const aversion = buf.readInt32BE(o + 48);
    const ephemeralOwner = buf.readInt32BE(o + 52) === 0 && buf.readInt32BE(o + 56) === 0 ? zero : buf.readBigInt64BE(o + 52);
    const pzxid = sameLong(buf, o + 60, o + 8) ? czxid : sameLong(buf, o + 60, o + 16) ? mzxid : buf.readBigInt64BE(o + 60);
    o += 68;
    const restoredPath = pathLength === 0 ? '/' : path;
    if (restoredPath.charCodeAt(0) !== 0x2f) fail(`node path ${JSON.stringify(path)} does not start with "/"`, nodeAt);
    try {
      tree.restoreNode(restoredPath, { data, acl: acl!, czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner, pzxid });
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error), nodeAt);
    }
  }
}

function sameLong(buf: Buffer, a: number, b: number): boolean {
  return buf.readInt32BE(a) === buf.readInt32BE(b) && buf.readInt32BE(a + 4) === buf.readInt32BE(b + 4);
}
