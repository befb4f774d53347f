// Paddock's snapshot body: the whole DataTree plus the session table in a compact jute-based format, written in
// ~64 KiB chunks from a consistent copy-on-write view (so the server keeps serving while it writes) and read back
// incrementally from chunks. Checksums and file naming belong to the storage layer.
//
// Layout: a run of frames {int length, payload}; each payload starts with an int tag:
//   1 header  {int formatVersion, long zxid}
//   2 session {long sessionId, int timeOut}
//   3 node    {int flags, ustring path, int aclRef, [vector<ACL> when new], buffer data, long czxid, [long mzxid],
//              [long pzxid], long ctime, [long mtime], int version, int cversion, int aversion, [long ephemeralOwner]}
//   4 end     {int nodeCount}
// Bracketed fields are present only when the flag says they differ from the usual value (mzxid = pzxid = czxid,
// mtime = ctime, ephemeralOwner = 0), which is what most nodes have. Nodes come parents first. ACL lists are numbered
// in order of first use and written inline the first time.
import { JuteError } from '../jute/juteError.js';
import { JuteReader } from '../jute/juteReader.js';
import { JuteWriter } from '../jute/juteWriter.js';
import { ACLCodec, type ACL } from '../protocol/records.js';
import { DataTree, type NodeRecord, type RestoredRecord } from './dataTree.js';

const formatVersion = 1;
const defaultChunkBytes = 64 * 1024;

const Tag = { header: 1, session: 2, node: 3, end: 4 } as const;
const Flag = { ownMzxid: 1, ownPzxid: 2, ownMtime: 4, ephemeralOwner: 8, newAcl: 16 } as const;

export interface LoadedSnapshot {
  tree: DataTree;
  /** sessionId -> timeOut (ms) */
  sessions: Map<bigint, number>;
  /** The zxid the snapshot reflects; the tree's lastProcessedZxid is set to it. */
  zxid: bigint;
}

/**
 * The snapshot of tree and sessions as they are at this call, in chunks of about chunkBytes. The tree may be changed
 * between chunks: a copy-on-write view keeps the output exactly the state at tree.lastProcessedZxid (read it before
 * calling, or from the header on load). Exhaust the generator or call its return(), or the view stays open.
 */
export function serializeSnapshot(
  tree: DataTree,
  sessions: ReadonlyMap<bigint, number>,
  chunkBytes = defaultChunkBytes,
): Generator<Buffer, void, undefined> {
  const view = tree.openConsistentView();
  const chunks = writeChunks(view, Array.from(sessions), chunkBytes);
  // A generator abandoned before its first chunk never enters its finally block; the view must still end.
  const finish = chunks.return.bind(chunks);
  chunks.return = (value) => {
    view.close();
    return finish(value);
  };
  return chunks;
}

function* writeChunks(
  view: ReturnType<DataTree['openConsistentView']>,
  sessions: readonly [bigint, number][],
  chunkBytes: number,
): Generator<Buffer, void, undefined> {
  try {
    let w = new JuteWriter(chunkBytes + 1024);
    w.writeInt(16).writeInt(Tag.header).writeInt(formatVersion).writeLong(view.zxid);
    for (const [sessionId, timeOut] of sessions) {
      w.writeInt(16).writeInt(Tag.session).writeLong(sessionId).writeInt(timeOut);
      if (w.size >= chunkBytes) {
        yield w.toBuffer();
        w = new JuteWriter(chunkBytes + 1024);
      }
    }
    const aclRefs = new Map<readonly ACL[], number>();
    let nodeCount = 0;
    for (const [path, node] of view.entries) {
      writeNode(w, path, node, aclRefs);
      nodeCount++;
      if (w.size >= chunkBytes) {
        yield w.toBuffer();
        w = new JuteWriter(chunkBytes + 1024);
      }
    }
    w.writeInt(8).writeInt(Tag.end).writeInt(nodeCount);
    yield w.toBuffer();
  } finally {
    view.close();
  }
}

function writeNode(w: JuteWriter, path: string, node: NodeRecord, aclRefs: Map<readonly ACL[], number>): void {
  let flags = 0;
  if (node.mzxid !== node.czxid) flags |= Flag.ownMzxid;
  if (node.pzxid !== node.czxid) flags |= Flag.ownPzxid;
  if (node.mtime !== node.ctime) flags |= Flag.ownMtime;
  if (node.ephemeralOwner !== 0n) flags |= Flag.ephemeralOwner;
  let aclRef = aclRefs.get(node.acl);
  let aclBytes: Buffer | undefined;
  if (aclRef === undefined) {
    aclRef = aclRefs.size;
    aclRefs.set(node.acl, aclRef);
    flags |= Flag.newAcl;
    aclBytes = new JuteWriter(64).writeVector(node.acl, (x, a) => ACLCodec.write(x, a)).toBuffer();
  }
  const pathBytes = Buffer.byteLength(path, 'utf8');
  const length =
    4 + // tag
    4 + // flags
    4 + pathBytes +
    4 + // aclRef
    (aclBytes === undefined ? 0 : aclBytes.length) +
    4 + (node.data === null ? 0 : node.data.length) +
    8 + // czxid
    (flags & Flag.ownMzxid ? 8 : 0) +
    (flags & Flag.ownPzxid ? 8 : 0) +
    8 + // ctime
    (flags & Flag.ownMtime ? 8 : 0) +
    12 + // version, cversion, aversion
    (flags & Flag.ephemeralOwner ? 8 : 0);
  w.writeInt(length).writeInt(Tag.node).writeInt(flags).writeString(path).writeInt(aclRef);
  if (aclBytes !== undefined) w.writeRaw(aclBytes);
  w.writeBuffer(node.data).writeLong(node.czxid);
  if (flags & Flag.ownMzxid) w.writeLong(node.mzxid);
  if (flags & Flag.ownPzxid) w.writeLong(node.pzxid);
  w.writeLong(node.ctime);
  if (flags & Flag.ownMtime) w.writeLong(node.mtime);
  w.writeInt(node.version).writeInt(node.cversion).writeInt(node.aversion);
  if (flags & Flag.ephemeralOwner) w.writeLong(node.ephemeralOwner);
}

/** Reads a snapshot pushed in chunks of any size, so a large file can be streamed from disk. */
export class SnapshotDecoder {
  private readonly tree = new DataTree();
  private readonly sessions = new Map<bigint, number>();
  private readonly acls: (readonly ACL[])[] = [];
  private zxid: bigint | undefined;
  private nodeCount = 0;
  private ended = false;
  private current: Buffer = Buffer.alloc(0);
  private offset = 0;
  private readonly queued: Buffer[] = [];
  private queuedBytes = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.queued.push(chunk);
    this.queuedBytes += chunk.length;
    for (;;) {
      const frame = this.nextFrame();
      if (frame === undefined) return;
      this.readFrame(frame);
    }
  }

  finish(): LoadedSnapshot {
    if (this.zxid === undefined || !this.ended) throw new JuteError('snapshot is truncated');
    if (this.current.length - this.offset + this.queuedBytes > 0) throw new JuteError('snapshot has bytes after its end');
    this.tree.lastProcessedZxid = this.zxid;
    this.tree.endRestore();
    return { tree: this.tree, sessions: this.sessions, zxid: this.zxid };
  }

  /** The next whole frame's payload, joining chunks only when a frame straddles them. */
  private nextFrame(): Buffer | undefined {
    if (!this.ensure(4)) return undefined;
    const length = this.current.readInt32BE(this.offset);
    if (length < 4) throw new JuteError(`bad snapshot frame length ${length}`);
    if (!this.ensure(4 + length)) return undefined;
    const start = this.offset + 4;
    this.offset = start + length;
    return this.current.subarray(start, start + length);
  }

  private ensure(count: number): boolean {
    const available = this.current.length - this.offset;
    if (available >= count) return true;
    if (available + this.queuedBytes < count) return false;
    let total = available;
    let taken = 0;
    while (total < count) total += this.queued[taken++]!.length;
    const parts = [this.current.subarray(this.offset), ...this.queued.splice(0, taken)];
    this.queuedBytes -= total - available;
    this.current = parts.length === 2 && available === 0 ? parts[1]! : Buffer.concat(parts, total);
    this.offset = 0;
    return true;
  }

  private readFrame(frame: Buffer): void {
    if (this.ended) throw new JuteError('snapshot has frames after its end');
    const r = new JuteReader(frame);
    const tag = r.readInt();
    if (tag !== Tag.header && this.zxid === undefined) throw new JuteError('snapshot does not start with a header');
    switch (tag) {
      case Tag.header: {
        const version = r.readInt();
        if (version !== formatVersion) throw new JuteError(`unsupported snapshot format version ${version}`);
        this.zxid = r.readLong();
        break;
      }
      case Tag.session:
        this.sessions.set(r.readLong(), r.readInt());
        break;
      case Tag.node:
        this.readNode(r);
        break;
      case Tag.end: {
        const count = r.readInt();
        if (count !== this.nodeCount) throw new JuteError(`snapshot ends after ${this.nodeCount} of ${count} nodes`);
        this.ended = true;
        break;
      }
      default:
        throw new JuteError(`unknown snapshot frame tag ${tag}`);
    }
    if (r.remaining !== 0) throw new JuteError(`snapshot frame of tag ${tag} has ${r.remaining} stray bytes`);
  }

  private readNode(r: JuteReader): void {
    const flags = r.readInt();
    const path = r.readString();
    const aclRef = r.readInt();
    let acl: readonly ACL[] | undefined;
    if (flags & Flag.newAcl) {
      if (aclRef !== this.acls.length) throw new JuteError(`snapshot ACL ${aclRef} out of order`);
      acl = r.readVector((x) => ACLCodec.read(x));
    } else {
      acl = this.acls[aclRef];
      if (acl === undefined) throw new JuteError(`snapshot node ${path} uses unknown ACL ${aclRef}`);
    }
    const data = r.readBufferAsLatin1();
    const czxid = r.readLong();
    // Equal values share one bigint, which keeps a loaded tree as small as one built by applying txns.
    const mzxid = flags & Flag.ownMzxid ? r.readLong() : czxid;
    const pzxid = flags & Flag.ownPzxid ? r.readLong() : czxid;
    const ctime = r.readLong();
    const mtime = flags & Flag.ownMtime ? r.readLong() : ctime;
    const version = r.readInt();
    const cversion = r.readInt();
    const aversion = r.readInt();
    const ephemeralOwner = flags & Flag.ephemeralOwner ? r.readLong() : 0n;
    const record: RestoredRecord = { data, acl, czxid, mzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner, pzxid };
    const node = this.tree.restoreNode(path, record);
    // Later nodes then hand the cache its own interned list and skip re-keying it.
    if (flags & Flag.newAcl) this.acls.push(node.acl);
    this.nodeCount++;
  }
}

/** Loads a snapshot from one buffer or from its chunks (for example the output of serializeSnapshot). */
export function deserializeSnapshot(input: Buffer | Iterable<Buffer>): LoadedSnapshot {
  const decoder = new SnapshotDecoder();
  if (Buffer.isBuffer(input)) decoder.push(input);
  else for (const chunk of input) decoder.push(chunk);
  return decoder.finish();
}
