// Applies one committed transaction to the DataTree as ZooKeeper's DataTree.processTxn does, and describes the
// outcome the way FinalRequestProcessor replies (path, stat, per-op multi results) plus the watches it fires.
import { OpCode } from '../protocol/opCodes.js';
import { ErrorCode } from '../protocol/errorCodes.js';
import { containerEphemeralOwner, ttlEphemeralOwner } from '../protocol/constants.js';
import type { MultiResult } from '../protocol/multiOps.js';
import type { ACL, Stat } from '../protocol/records.js';
import type { DataTree } from '../tree/dataTree.js';
import { parentPath } from '../tree/pathValidation.js';
import type { Txn, TxnHeader } from './txnRecords.js';

export interface WatchTrigger {
  path: string;
  type: 'created' | 'deleted' | 'dataChanged' | 'childrenChanged';
}

export interface ApplyResult {
  /**
   * The ReplyHeader error: the failure of a single op, the code of an ErrorTxn, and 0 for a multi (its per-op
   * errors are in multiResults) unless one of them is SessionMoved, which fails the whole reply as in ZooKeeper.
   */
  err: number;
  path?: string;
  /** For create2/createContainer/createTTL, setData and setACL replies. */
  stat?: Stat;
  multiResults?: MultiResult[];
  /** In the order ZooKeeper fires them. */
  triggers: WatchTrigger[];
  sessionId: bigint;
  cxid: number;
  zxid: bigint;
  /** The header's type: the request's opcode, or -1 when prep turned the request into an ErrorTxn. */
  type: number;
  createdSession?: { sessionId: bigint; timeOut: number };
  closedSession?: bigint;
}

interface Outcome {
  err: number;
  path?: string;
  stat?: Stat;
}

/**
 * Applies txn and advances tree.lastProcessedZxid. Replaying a txn the tree already reflects (log replay over a
 * fuzzy snapshot) is harmless: creates of existing nodes and deletes of missing ones fail without changing the tree
 * beyond the forward-only cversion/pzxid fix-ups ZooKeeper makes.
 */
export function applyTxn(tree: DataTree, header: TxnHeader, txn: Txn): ApplyResult {
  const result: ApplyResult = {
    err: ErrorCode.ok,
    triggers: [],
    sessionId: header.clientId,
    cxid: header.cxid,
    zxid: header.zxid,
    type: header.type,
  };
  switch (txn.type) {
    case OpCode.multi:
      applyMulti(tree, header, txn.txns, result);
      break;
    case OpCode.createSession:
      result.createdSession = { sessionId: header.clientId, timeOut: txn.timeOut };
      break;
    case OpCode.closeSession:
      for (const path of tree.killSession(header.clientId, header.zxid, txn.paths2Delete)) {
        result.triggers.push({ path, type: 'deleted' }, { path: parentPath(path), type: 'childrenChanged' });
      }
      result.closedSession = header.clientId;
      break;
    default: {
      const outcome = applyOne(tree, header, txn, result.triggers);
      result.err = outcome.err;
      if (outcome.path !== undefined) result.path = outcome.path;
      if (outcome.stat !== undefined) result.stat = outcome.stat;
    }
  }
  if (header.zxid > tree.lastProcessedZxid) tree.lastProcessedZxid = header.zxid;
  return result;
}

/**
 * A multi whose MultiTxn holds an ErrorTxn was rejected at prep: nothing is applied, ops before the failing one
 * report 0, the failing one its code, later ones RuntimeInconsistency (prep already logged those as ErrorTxns).
 */
function applyMulti(tree: DataTree, header: TxnHeader, txns: readonly Txn[], result: ApplyResult): void {
  const rejected = txns.some((t) => t.type === OpCode.error);
  let pastFailure = false;
  const results: MultiResult[] = [];
  for (const sub of txns) {
    let effective = sub;
    if (sub.type === OpCode.error) pastFailure = true;
    else if (rejected) {
      effective = { type: OpCode.error, err: pastFailure ? ErrorCode.runtimeInconsistency : ErrorCode.ok };
    }
    const outcome = applyOne(tree, { ...header, type: effective.type }, effective, result.triggers);
    results.push(multiResultOf(effective.type, outcome));
    if (effective.type === OpCode.error && outcome.err === ErrorCode.sessionMoved) result.err = ErrorCode.sessionMoved;
  }
  result.multiResults = results;
}

// FinalRequestProcessor picks the result by the sub-txn's type alone.
function multiResultOf(type: number, outcome: Outcome): MultiResult {
  switch (type) {
    case OpCode.create:
      return { type: OpCode.create, path: outcome.path ?? '' };
    case OpCode.create2:
    case OpCode.createTTL:
    case OpCode.createContainer:
      return { type: OpCode.create2, path: outcome.path ?? '', stat: outcome.stat ?? emptyStat() };
    case OpCode.delete:
    case OpCode.deleteContainer:
      return { type: OpCode.delete };
    case OpCode.setData:
      return { type: OpCode.setData, stat: outcome.stat ?? emptyStat() };
    case OpCode.check:
      return { type: OpCode.check };
    default:
      return { type: OpCode.error, err: outcome.err };
  }
}

function applyOne(tree: DataTree, header: TxnHeader, txn: Txn, triggers: WatchTrigger[]): Outcome {
  switch (txn.type) {
    case OpCode.create:
    case OpCode.create2: {
      const owner = txn.ephemeral ? header.clientId : 0n;
      const outcome = create(tree, header, txn.path, txn.data, txn.acl, owner, txn.parentCVersion, txn.type, triggers);
      // A plain create that finds its node already there is a replay whose parent may lag behind (the node was
      // deleted and re-created by another session within the fuzzy range): ZooKeeper still raises the parent.
      if (header.type === OpCode.create && outcome.err === ErrorCode.nodeExists) {
        const fixed = tree.setCversionPzxid(parentPath(txn.path), txn.parentCVersion, header.zxid);
        if (fixed !== ErrorCode.ok) outcome.err = fixed;
      }
      return outcome;
    }
    case OpCode.createContainer:
      return create(tree, header, txn.path, txn.data, txn.acl, containerEphemeralOwner, txn.parentCVersion, txn.type, triggers);
    case OpCode.createTTL: {
      const owner = ttlEphemeralOwner(txn.ttl);
      return create(tree, header, txn.path, txn.data, txn.acl, owner, txn.parentCVersion, txn.type, triggers);
    }
    case OpCode.delete:
    case OpCode.deleteContainer: {
      const err = tree.deleteNode(txn.path, header.zxid);
      if (err === ErrorCode.ok) {
        triggers.push({ path: txn.path, type: 'deleted' }, { path: parentPath(txn.path), type: 'childrenChanged' });
      }
      return { err, path: txn.path };
    }
    case OpCode.setData:
    case OpCode.reconfig: {
      const stat = tree.setData(txn.path, txn.data, txn.version, header.zxid, header.time);
      if (stat === undefined) return { err: ErrorCode.noNode, path: txn.path };
      triggers.push({ path: txn.path, type: 'dataChanged' });
      return { err: ErrorCode.ok, path: txn.path, stat };
    }
    case OpCode.setACL: {
      const stat = tree.setACL(txn.path, txn.acl, txn.version);
      return stat === undefined ? { err: ErrorCode.noNode, path: txn.path } : { err: ErrorCode.ok, path: txn.path, stat };
    }
    case OpCode.check:
      return { err: ErrorCode.ok, path: txn.path };
    case OpCode.error:
      return { err: txn.err };
    default:
      // Sessions and nested multis have no meaning inside a multi; ZooKeeper rejects them when reading the txn.
      return { err: ErrorCode.ok };
  }
}

function create(
  tree: DataTree,
  header: TxnHeader,
  path: string,
  data: Buffer | null,
  acl: readonly ACL[],
  owner: bigint,
  parentCVersion: number,
  type: number,
  triggers: WatchTrigger[],
): Outcome {
  const err = tree.createNode(path, data, acl, owner, parentCVersion, header.zxid, header.time);
  if (err !== ErrorCode.ok) return { err, path };
  triggers.push({ path, type: 'created' }, { path: parentPath(path), type: 'childrenChanged' });
  if (type === OpCode.create) return { err, path };
  const stat = tree.getStat(path);
  return stat === undefined ? { err, path } : { err, path, stat };
}

function emptyStat(): Stat {
  return {
    czxid: 0n,
    mzxid: 0n,
    ctime: 0n,
    mtime: 0n,
    version: 0,
    cversion: 0,
    aversion: 0,
    ephemeralOwner: 0n,
    dataLength: 0,
    numChildren: 0,
    pzxid: 0n,
  };
}
