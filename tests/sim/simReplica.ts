// One simulated member's database, built by the production code: every entry the member's store applies is a real
// txn log entry (TxnHeader + txn record) decoded with decodeTxnEntry and applied to the member's own DataTree with
// applyTxn, as a server's database does. The store's applied list is the truth; this follows it and rebuilds from
// scratch when the store replaced it (a restart from the snapshot, a SNAP installed from the leader).
import { ErrorCode } from '../../node-core/protocol/index.js';
import { DataTree, type DataNode } from '../../node-core/tree/dataTree.js';
import { applyTxn, type ApplyResult } from '../../node-core/txn/applyTxn.js';
import { decodeTxnEntry, encodeTxnEntry, type Txn, type TxnHeader } from '../../node-core/txn/txnRecords.js';
import type { Applied } from './fakeStore.js';

/** The simulator's payloads are txn log entries, carried as base64 text so the fake store's string history holds them exactly. */
export function encodeSimEntry(header: TxnHeader, txn: Txn): Buffer {
  return Buffer.from(encodeTxnEntry(header, txn).toString('base64'), 'utf8');
}

export function decodeSimEntry(data: string): { header: TxnHeader; txn: Txn } {
  return decodeTxnEntry(Buffer.from(data, 'base64'));
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
   * Applies what the store applied since the last call; the results of the fresh entries (empty after a rebuild, whose
   * entries were applied long ago and answer nobody). `problem` reports an invariant broken on the way.
   */
  follow(applied: readonly Applied[], problem: (message: string) => void, decode = decodeSimEntry): ApplyResult[] {
    const rebuild = applied !== this.source || applied.length < this.count;
    if (rebuild) {
      this.tree = new DataTree();
      this.sessions.clear();
      this.source = applied;
      this.count = 0;
    }
    const results: ApplyResult[] = [];
    if (rebuild || this.count < applied.length) this.version++;
    for (; this.count < applied.length; this.count++) {
      const { header, txn } = decode(applied[this.count]!.data);
      const result = applyTxn(this.tree, header, txn);
      if (result.createdSession !== undefined) this.sessions.set(result.createdSession.sessionId, result.createdSession.timeOut);
      if (result.closedSession !== undefined) {
        this.sessions.delete(result.closedSession);
        if (this.tree.ephemeralsOf(result.closedSession).size > 0) {
          problem(`session ${result.closedSession} closed at ${header.zxid} but still owns ephemerals`);
        }
      }
      if (!rebuild) results.push(result);
    }
    for (const owner of this.tree.sessionsWithEphemerals().keys()) {
      if (!this.sessions.has(owner)) problem(`ephemerals of session ${owner}, which is not live`);
    }
    return results;
  }

  /** A canonical hash of the tree (every znode's path, data, ACL and stat) and the live sessions. */
  digest(): string {
    const hash = new Fnv();
    const visit = (path: string, node: DataNode): void => {
      hash.add(path);
      if (node.data === null) hash.addNumber(-1);
      else hash.addBytes(node.data);
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
      const names = node.children.size > 1 ? [...node.children].sort() : node.children;
      for (const name of names) {
        const childPath = path === '/' ? `/${name}` : `${path}/${name}`;
        const child = this.tree.getNode(childPath);
        if (child !== undefined) visit(childPath, child);
        else hash.add(`missing ${childPath}`);
      }
    };
    const root = this.tree.getNode('/');
    if (root !== undefined) visit('/', root);
    for (const [id, timeout] of [...this.sessions].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      hash.addBigint(id);
      hash.addNumber(timeout);
    }
    return hash.value();
  }
}

/** Error codes that mean the session, not the znode, refused the request: the op had no effect on the data. */
export function isSessionError(err: number): boolean {
  return err === ErrorCode.sessionExpired || err === ErrorCode.sessionMoved || err === ErrorCode.unknownSession;
}

const maxExact = BigInt(Number.MAX_SAFE_INTEGER);

// Two independent 32-bit FNV-style lanes: cheap enough to run after every commit, wide enough for a simulation.
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

  value(): string {
    return `${(this.h0 >>> 0).toString(16)}${(this.h1 >>> 0).toString(16).padStart(8, '0')}`;
  }
}
