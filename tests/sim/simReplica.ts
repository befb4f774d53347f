// One simulated member's database, built by the production code: every entry the member's store applies is a real
// txn log entry (TxnHeader + txn record) decoded with decodeTxnEntry and applied to the member's own DataTree with
// applyTxn, as a server's database does. The store's applied list is the truth; this follows it and rebuilds from
// scratch when the store replaced it (a restart from the snapshot, a SNAP installed from the leader).
import { ErrorCode, OpCode } from '../../node-core/protocol/index.js';
import { DataTree, configPath, type DataNode } from '../../node-core/tree/dataTree.js';
import { applyTxn, type ApplyResult } from '../../node-core/txn/applyTxn.js';
import { decodeTxnEntry, encodeTxnEntry, type Txn, type TxnHeader } from '../../node-core/txn/txnRecords.js';
import { parentPath } from '../../node-core/tree/pathValidation.js';
import { entryBytes, type Applied } from './fakeStore.js';

/** The simulator's payloads are txn log entries, as a server's txn log holds them. */
export function encodeSimEntry(header: TxnHeader, txn: Txn): Buffer {
  return encodeTxnEntry(header, txn);
}

export function decodeSimEntry(data: string): { header: TxnHeader; txn: Txn } {
  return decodeTxnEntry(entryBytes(data));
}

/** The key a client's reply is matched by: ZooKeeper's (session, cxid) pair. */
export function requestKey(sessionId: bigint, cxid: number): string {
  return `${sessionId}:${cxid}`;
}

export class SimReplica {
  tree = new DataTree();
  /** Live sessions and their timeouts, as the applied createSession/closeSession txns leave them. */
  readonly sessions = new Map<bigint, number>();
  private source: readonly Applied[] | null = null;
  private count = 0;
  /** Bumped whenever the tree changes, so a caller can skip re-digesting a tree it already checked. */
  version = 0;
  /**
   * The digest follows the tree txn by txn instead of walking it after every commit: each znode's and session's hash,
   * and their sum in two 32-bit lanes (a sum, as ZooKeeper's tree digest is, so no order has to be kept).
   */
  private hashes = new Map<string, Lanes>();
  private readonly sum: Lanes = [0, 0];

  /** `initialConfig`: what /zookeeper/config holds before any reconfig, as every server publishes it at start. */
  constructor(private readonly initialConfig: Buffer | null = null) {
    this.publishConfig();
    this.rehashAll();
  }

  /**
   * Applies what the store applied since the last call; the results of the fresh entries (empty after a rebuild, whose
   * entries were applied long ago and answer nobody). `problem` reports an invariant broken on the way.
   */
  follow(applied: readonly Applied[], problem: (message: string) => void, decode = decodeSimEntry): ApplyResult[] {
    const rebuild = applied !== this.source || applied.length < this.count;
    if (rebuild) {
      this.tree = new DataTree();
      this.publishConfig();
      this.sessions.clear();
      this.source = applied;
      this.count = 0;
      this.rehashAll();
    }
    const results: ApplyResult[] = [];
    if (rebuild || this.count < applied.length) this.version++;
    for (; this.count < applied.length; this.count++) {
      const { header, txn } = decode(applied[this.count]!.data);
      const result = applyTxn(this.tree, header, txn);
      if (result.createdSession !== undefined) this.setSession(result.createdSession.sessionId, result.createdSession.timeOut);
      if (result.closedSession !== undefined) {
        this.setSession(result.closedSession, undefined);
        if (this.tree.ephemeralsOf(result.closedSession).size > 0) {
          problem(`session ${result.closedSession} closed at ${header.zxid} but still owns ephemerals`);
        }
      }
      this.rehashTouched(txn, result);
      if (!rebuild) results.push(result);
    }
    for (const owner of this.tree.sessionsWithEphemerals().keys()) {
      if (!this.sessions.has(owner)) problem(`ephemerals of session ${owner}, which is not live`);
    }
    return results;
  }

  /** A canonical hash of the tree (every znode's path, data, ACL and stat) and the live sessions, kept up to date. */
  digest(): string {
    return lanesText(this.sum);
  }

  /** The same hash computed from scratch by walking the tree: what digest() must equal, or its bookkeeping missed a change. */
  fullDigest(): string {
    const sum: Lanes = [0, 0];
    const visit = (path: string, node: DataNode): void => {
      addLanes(sum, nodeHash(path, node));
      for (const name of node.children) {
        const childPath = path === '/' ? `/${name}` : `${path}/${name}`;
        const child = this.tree.getNode(childPath);
        if (child !== undefined) visit(childPath, child);
        else addLanes(sum, textHash(`missing ${childPath}`));
      }
    };
    const root = this.tree.getNode('/');
    if (root !== undefined) visit('/', root);
    for (const [id, timeout] of this.sessions) addLanes(sum, sessionHash(id, timeout));
    return lanesText(sum);
  }

  private publishConfig(): void {
    if (this.initialConfig !== null) this.tree.setData(configPath, this.initialConfig, -1, 0n, 0n);
  }

  private rehashAll(): void {
    this.hashes = new Map();
    this.sum[0] = 0;
    this.sum[1] = 0;
    const visit = (path: string): void => {
      this.rehash(path);
      const node = this.tree.getNode(path);
      for (const name of node?.children ?? []) visit(path === '/' ? `/${name}` : `${path}/${name}`);
    };
    visit('/');
    for (const [id, timeout] of this.sessions) addLanes(this.sum, sessionHash(id, timeout));
  }

  /** Every znode a txn can change: those its watches name, and each op's node and parent (setACL, replay fix-ups). */
  private rehashTouched(txn: Txn, result: ApplyResult): void {
    for (const trigger of result.triggers) this.rehash(trigger.path);
    const ops = txn.type === OpCode.multi ? txn.txns : [txn];
    for (const op of ops) {
      if (!('path' in op)) continue;
      this.rehash(op.path);
      this.rehash(parentPath(op.path));
    }
  }

  private rehash(path: string): void {
    const old = this.hashes.get(path);
    if (old !== undefined) subtractLanes(this.sum, old);
    const node = this.tree.getNode(path);
    if (node === undefined) {
      this.hashes.delete(path);
      return;
    }
    const fresh = nodeHash(path, node);
    this.hashes.set(path, fresh);
    addLanes(this.sum, fresh);
  }

  private setSession(id: bigint, timeout: number | undefined): void {
    const old = this.sessions.get(id);
    if (old !== undefined) subtractLanes(this.sum, sessionHash(id, old));
    if (timeout === undefined) this.sessions.delete(id);
    else {
      this.sessions.set(id, timeout);
      addLanes(this.sum, sessionHash(id, timeout));
    }
  }
}

type Lanes = [number, number];

function addLanes(sum: Lanes, hash: Lanes): void {
  sum[0] = (sum[0] + hash[0]) >>> 0;
  sum[1] = (sum[1] + hash[1]) >>> 0;
}

function subtractLanes(sum: Lanes, hash: Lanes): void {
  sum[0] = (sum[0] - hash[0]) >>> 0;
  sum[1] = (sum[1] - hash[1]) >>> 0;
}

function lanesText(sum: Lanes): string {
  return `${sum[0].toString(16)}${sum[1].toString(16).padStart(8, '0')}`;
}

function nodeHash(path: string, node: DataNode): Lanes {
  const hash = new Fnv();
  hash.add(path);
  const data = node.data;
  if (data === null) hash.addNumber(-1);
  else hash.addBytes(data);
  hash.addBigint(node.czxid);
  hash.addBigint(node.mzxid);
  hash.addBigint(node.ctime);
  hash.addBigint(node.mtime);
  hash.addNumber(node.version);
  hash.addNumber(node.cversion);
  hash.addNumber(node.aversion);
  hash.addBigint(node.ephemeralOwner);
  hash.addBigint(node.pzxid);
  for (const acl of node.acl) {
    hash.addNumber(acl.perms);
    hash.add(acl.id.scheme);
    hash.add(acl.id.id);
  }
  // The children are their own terms of the sum; their number tells a missing child from none.
  hash.addNumber(node.children.size);
  return hash.lanes();
}

function sessionHash(id: bigint, timeout: number): Lanes {
  const hash = new Fnv();
  hash.add('session');
  hash.addBigint(id);
  hash.addNumber(timeout);
  return hash.lanes();
}

function textHash(text: string): Lanes {
  const hash = new Fnv();
  hash.add(text);
  return hash.lanes();
}

/** Error codes that mean the session, not the znode, refused the request: the op had no effect on the data. */
export function isSessionError(err: number): boolean {
  return err === ErrorCode.sessionExpired || err === ErrorCode.sessionMoved || err === ErrorCode.unknownSession;
}

const maxExact = BigInt(Number.MAX_SAFE_INTEGER);

// Two independent 32-bit FNV-style lanes per znode: cheap enough to run on every znode a commit changes, wide enough
// for a simulation.
class Fnv {
  private h0 = 0x811c9dc5;
  private h1 = 0x01000193;

  private mix(c: number): void {
    this.h0 = Math.imul(this.h0 ^ c, 0x01000193);
    this.h1 = Math.imul(this.h1 + c, 0x5bd1e995) ^ (this.h1 >>> 15);
  }

  /** Ends a field, so that ("ab", "c") and ("a", "bc") differ. */
  private end(): void {
    this.mix(0x1ff);
  }

  add(text: string): void {
    for (let i = 0; i < text.length; i++) this.mix(text.charCodeAt(i));
    this.end();
  }

  addBytes(bytes: Buffer): void {
    for (let i = 0; i < bytes.length; i++) this.mix(bytes[i]!);
    this.end();
  }

  addNumber(value: number): void {
    this.mix(value | 0);
    this.end();
  }

  addBigint(value: bigint): void {
    // Zxids and times fit a double exactly, and converting them allocates no bigint; session ids take the long way.
    if (value >= -maxExact && value <= maxExact) {
      const exact = Number(value);
      this.mix(exact | 0);
      this.mix(Math.floor(exact / 4294967296) | 0);
    } else {
      this.mix(Number(BigInt.asIntN(32, value)));
      this.mix(Number(BigInt.asIntN(32, value >> 32n)));
    }
    this.end();
  }

  lanes(): Lanes {
    return [this.h0 >>> 0, this.h1 >>> 0];
  }
}
