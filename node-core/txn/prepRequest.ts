// Turns a client write into the transaction the ensemble will agree on, deciding every error exactly where and in
// the order Apache ZooKeeper 3.8's PrepRequestProcessor does. A refused write still becomes a transaction (an
// error txn) and still consumes its zxid, as in ZooKeeper; the caller assigns the zxid and the time.
import { javaHashSetOrder } from '../tree/javaHashOrder.js';
import { ErrorCode } from '../protocol/errorCodes.js';
import { OpCode } from '../protocol/opCodes.js';
import { Perms, containerEphemeralOwner, ttlEphemeralOwner, maxTtl } from '../protocol/constants.js';
import type { MultiOp } from '../protocol/multiOps.js';
import type {
  ACL,
  CreateRequest,
  Id,
  PathRequest,
  PathVersionRequest,
  ReconfigRequest,
  SetACLRequest,
  SetDataRequest,
} from '../protocol/records.js';
import { checkAcl, fixupAcl } from '../tree/acl.js';
import { validatePath } from '../tree/pathValidation.js';
import type { DataTree } from '../tree/dataTree.js';
import type {
  CheckVersionTxn,
  CreateContainerTxn,
  CreateTTLTxn,
  CreateTxn,
  DeleteTxn,
  SetDataTxn,
  SubTxn,
  Txn,
  TxnHeader,
} from './txnRecords.js';
import { PendingChanges, duplicateRecord, fromTree, type ChangeRecord, type PendingStat } from './pendingChanges.js';
import { parseQuorumConfig, renderQuorumConfig, votersOf } from '../consensus/quorumConfig.js';
import { ReconfigArgumentError, requestedMembership } from './reconfigTxn.js';
import { Refusal, refuse, modeOf, normalizeMultiOp, type NormalizedOp } from './prepDecoding.js';

export interface WriteRequest {
  sessionId: bigint;
  cxid: number;
  type: number;
  /**
   * The decoded request record; null when it could not be decoded (ZooKeeper then logs a MarshallingError txn).
   * deleteContainer carries a PathRequest.
   */
  body:
    | CreateRequest
    | PathVersionRequest
    | SetDataRequest
    | SetACLRequest
    | PathRequest
    | ReconfigRequest
    | MultiOp[]
    | { timeOut: number }
    | null;
  authInfo: readonly Id[];
  /**
   * Issued by the server itself (the container and TTL reaper's deleteContainer). A client's deleteContainer is
   * BadArguments: ZooKeeper reads the whole packet, request header included, as the path, so it holds a NUL.
   */
  internal?: boolean;
  /**
   * The ensemble member whose client sent it (ZooKeeper's Request owner): the forwarding learner's id on a leader;
   * unset for a connection on this server itself.
   */
  owner?: number;
}

export interface PreparerOptions {
  /** zookeeper.skipACL */
  skipAcl?: boolean;
  /** zookeeper.extendedTypesEnabled: TTL nodes are Unimplemented without it. */
  extendedTypesEnabled: boolean;
  /**
   * The session tracker's verdict on a session (0, UnknownSession, SessionExpired or SessionMoved). Sessions this
   * preparer has seen a closeSession for are SessionExpired whatever it says. `owner` is the request's owner: a
   * session now owned by another member is SessionMoved.
   */
  checkSession?: (sessionId: bigint, owner: number | undefined) => number;
  /** reconfigEnabled: without it every reconfig is ReconfigDisabled. */
  reconfigEnabled?: boolean;
  /** standaloneEnabled: a reconfig must then leave at least 2 voters. Defaults to true, as in ZooKeeper. */
  standaloneEnabled?: boolean;
  /**
   * An ensemble leader's check that it and its synced learners hold a quorum of `voters`; absent on a standalone
   * server, where reconfig is Unimplemented.
   */
  isQuorumSynced?: (voters: readonly number[]) => boolean;
  /**
   * zookeeper.enforceQuota: the verdict (0 or QuotaExceeded) on a create or setData that adds `bytesDiff` bytes and
   * `countDiff` nodes under `path`, judged against the applied tree as ZooKeeper's checkQuota does. Absent: no check.
   */
  checkQuota?: (path: string, bytesDiff: number, countDiff: number) => number;
}

const configNodePath = '/zookeeper/config';

export interface PreparedTxn {
  header: TxnHeader;
  txn: Txn;
}

/** Java's lastIndexOf('/') parent, with ZooKeeper's "" parent of top-level nodes read as the root. */
function rawParent(path: string): string | undefined {
  const slash = path.lastIndexOf('/');
  if (slash < 0 || path.includes('\0')) return undefined;
  return slash === 0 ? '/' : path.slice(0, slash);
}

// The nodes ZooKeeper itself maintains; delete refuses them with BadArguments.
const specialPaths: ReadonlySet<string> = new Set(['/', '/zookeeper', '/zookeeper/quota', '/zookeeper/config']);

/** EphemeralType.get(owner) == NORMAL: owned by a session, not a container or TTL marker. */
function isSessionOwned(owner: bigint, extendedTypesEnabled: boolean): boolean {
  if (owner === 0n || owner === containerEphemeralOwner) return false;
  if (extendedTypesEnabled && (owner & -0x100000000000000n) === -0x100000000000000n) return false;
  return true;
}

function nextVersion(current: number, expected: number): number {
  if (expected !== -1 && expected !== current) refuse(ErrorCode.badVersion);
  // jute ints wrap, and a node set 2^31 times keeps counting from the negative end as ZooKeeper does
  return (current + 1) | 0;
}

export class RequestPreparer {
  private readonly pending = new PendingChanges();
  private readonly closingSessions = new Set<bigint>();

  constructor(
    private readonly tree: DataTree,
    private readonly options: PreparerOptions,
  ) {}

  /** Turns `request` into the transaction with id `zxid` and time `now` (ms since the epoch). */
  prepare(request: WriteRequest, zxid: bigint, now: bigint): PreparedTxn {
    const header: TxnHeader = { clientId: request.sessionId, cxid: request.cxid, zxid, time: now, type: request.type };
    try {
      if (request.type === OpCode.multi) return { header, txn: this.prepareMulti(request, zxid, now) };
      return { header, txn: this.prepareOne(request.type, request, request.body, zxid, now) };
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      return { header: { ...header, type: OpCode.error }, txn: { type: OpCode.error, err: error.code } };
    }
  }

  /** The tree now reflects every transaction up to `zxid`; the overlay forgets them. */
  applied(zxid: bigint): void {
    this.pending.applied(zxid);
  }

  /** A session whose closeSession is prepared: its further writes are SessionExpired, as ZooKeeper's are. */
  isClosing(sessionId: bigint): boolean {
    return this.closingSessions.has(sessionId);
  }

  /** The closed session's txn is applied and its id will not be seen again. */
  sessionClosed(sessionId: bigint): void {
    this.closingSessions.delete(sessionId);
  }

  /** Outstanding overlay records, for tests and diagnostics. */
  get outstanding(): number {
    return this.pending.size;
  }

  private checkSession(request: WriteRequest, forEphemeral: boolean): void {
    const sessionId = request.sessionId;
    if (this.closingSessions.has(sessionId)) refuse(ErrorCode.sessionExpired);
    const verdict = this.options.checkSession?.(sessionId, request.owner) ?? ErrorCode.ok;
    // checkGlobalSession: a session the tracker does not know cannot own an ephemeral: it has expired
    if (verdict === ErrorCode.unknownSession && forEphemeral) refuse(ErrorCode.sessionExpired);
    if (verdict !== ErrorCode.ok) refuse(verdict);
  }

  private recordFor(path: string): ChangeRecord {
    const pending = this.pending.get(path);
    if (pending !== undefined) {
      if (pending.stat === null) refuse(ErrorCode.noNode);
      return pending;
    }
    const node = this.tree.getNode(path);
    if (node === undefined) refuse(ErrorCode.noNode);
    return {
      zxid: fromTree,
      path,
      stat: {
        czxid: node.czxid,
        mzxid: node.mzxid,
        ctime: node.ctime,
        mtime: node.mtime,
        version: node.version,
        cversion: node.cversion,
        aversion: node.aversion,
        ephemeralOwner: node.ephemeralOwner,
        pzxid: node.pzxid,
      },
      childCount: node.children.size,
      acl: node.acl,
      data: node.data,
    };
  }

  private exists(path: string): boolean {
    const pending = this.pending.get(path);
    if (pending !== undefined) return pending.stat !== null;
    return this.tree.getNode(path) !== undefined;
  }

  private requireAcl(acl: readonly ACL[], perm: number, authInfo: readonly Id[]): void {
    if (!checkAcl(acl, perm, authInfo, this.options.skipAcl === true)) refuse(ErrorCode.noAuth);
  }

  private requireQuota(path: string, bytesDiff: number, countDiff: number): void {
    const verdict = this.options.checkQuota?.(path, bytesDiff, countDiff) ?? ErrorCode.ok;
    if (verdict !== ErrorCode.ok) refuse(verdict);
  }

  private requireValidPath(path: string): void {
    if (validatePath(path) !== null) refuse(ErrorCode.badArguments);
  }

  /** getParentPathAndValidate: delete takes no full path validation, only a parent and no system node. */
  private parentForDelete(path: string): string {
    const parent = rawParent(path);
    if (parent === undefined || specialPaths.has(path)) refuse(ErrorCode.badArguments);
    return parent;
  }

  private prepareOne(type: number, request: WriteRequest, body: WriteRequest['body'], zxid: bigint, now: bigint): Txn {
    if (body === null && type !== OpCode.closeSession) refuse(ErrorCode.marshallingError);
    switch (type) {
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createContainer:
      case OpCode.createTTL:
        return this.prepareCreate(type, request, body as CreateRequest, zxid, now);
      case OpCode.delete:
        return this.prepareDelete(request, body as PathVersionRequest, zxid);
      case OpCode.deleteContainer:
        if (request.internal !== true) refuse(ErrorCode.badArguments);
        return this.prepareDeleteContainer((body as PathRequest).path, zxid);
      case OpCode.setData:
        return this.prepareSetData(request, body as SetDataRequest, zxid, now);
      case OpCode.setACL:
        return this.prepareSetAcl(request, body as SetACLRequest, zxid);
      case OpCode.check:
        return this.prepareCheck(request, body as PathVersionRequest);
      case OpCode.createSession:
        return { type: OpCode.createSession, timeOut: (body as { timeOut: number }).timeOut };
      case OpCode.closeSession:
        return this.prepareCloseSession(request.sessionId, zxid);
      case OpCode.reconfig:
        return this.prepareReconfig(request, body as ReconfigRequest, zxid, now);
      default:
        throw new Error(`request type ${type} is not a write`);
    }
  }

  private prepareCreate(
    type: number,
    request: WriteRequest,
    create: CreateRequest,
    zxid: bigint,
    now: bigint,
  ): CreateTxn | CreateContainerTxn | CreateTTLTxn {
    const mode = modeOf(create.flags) ?? refuse(ErrorCode.badArguments);
    const ttl = type === OpCode.createTTL ? (create.ttl ?? -1n) : -1n;
    if (mode.ttl && !this.options.extendedTypesEnabled) refuse(ErrorCode.unimplemented);
    if (mode.ttl ? ttl <= 0n || ttl > maxTtl : ttl >= 0n) refuse(ErrorCode.badArguments);
    this.checkSession(request, mode.ephemeral);
    const parentPath = rawParent(create.path) ?? refuse(ErrorCode.badArguments);
    const acl = fixupAcl(create.path, request.authInfo, create.acl);
    if (typeof acl === 'number') refuse(acl);
    const parent = this.recordFor(parentPath);
    this.requireAcl(parent.acl, Perms.create, request.authInfo);
    const parentStat = parent.stat!;
    const path = mode.sequential ? create.path + String(parentStat.cversion).padStart(10, '0') : create.path;
    this.requireValidPath(path);
    if (this.exists(path)) refuse(ErrorCode.nodeExists);
    if (isSessionOwned(parentStat.ephemeralOwner, this.options.extendedTypesEnabled)) {
      refuse(ErrorCode.noChildrenForEphemerals);
    }
    this.requireQuota(path, create.data?.length ?? 0, 1);
    const parentCVersion = (parentStat.cversion + 1) | 0;

    const updatedParent = duplicateRecord(parent, zxid);
    updatedParent.childCount++;
    updatedParent.stat!.cversion = parentCVersion;
    updatedParent.stat!.pzxid = zxid;
    this.pending.add(updatedParent);
    // the overlay follows the flags, as ZooKeeper's does, even where the opcode makes the tree disagree
    const ephemeralOwner = mode.container
      ? containerEphemeralOwner
      : mode.ttl
        ? ttlEphemeralOwner(ttl)
        : mode.ephemeral
          ? request.sessionId
          : 0n;
    const stat: PendingStat = {
      czxid: zxid,
      mzxid: zxid,
      ctime: now,
      mtime: now,
      version: 0,
      cversion: 0,
      aversion: 0,
      ephemeralOwner,
      pzxid: zxid,
    };
    this.pending.add({ zxid, path, stat, childCount: 0, acl, data: create.data });

    if (type === OpCode.createContainer) {
      return { type: OpCode.createContainer, path, data: create.data, acl, parentCVersion };
    }
    if (type === OpCode.createTTL) return { type: OpCode.createTTL, path, data: create.data, acl, parentCVersion, ttl };
    return {
      type: type === OpCode.create2 ? OpCode.create2 : OpCode.create,
      path,
      data: create.data,
      acl,
      ephemeral: mode.ephemeral,
      parentCVersion,
    };
  }

  private removeNode(path: string, parent: ChangeRecord, zxid: bigint): void {
    const updatedParent = duplicateRecord(parent, zxid);
    updatedParent.childCount--;
    updatedParent.stat!.pzxid = zxid;
    this.pending.add(updatedParent);
    this.pending.add({ zxid, path, stat: null, childCount: -1, acl: [], data: null });
  }

  private prepareDelete(request: WriteRequest, del: PathVersionRequest, zxid: bigint): DeleteTxn {
    this.checkSession(request, false);
    const parentPath = this.parentForDelete(del.path);
    const parent = this.recordFor(parentPath);
    // the parent's DELETE permission is checked before the node is even looked up
    this.requireAcl(parent.acl, Perms.delete, request.authInfo);
    const node = this.recordFor(del.path);
    nextVersion(node.stat!.version, del.version);
    if (node.childCount > 0) refuse(ErrorCode.notEmpty);
    this.removeNode(del.path, parent, zxid);
    return { type: OpCode.delete, path: del.path };
  }

  // Issued by the container reaper; ZooKeeper checks no session and no ACL, and only refuses session-owned nodes.
  private prepareDeleteContainer(path: string, zxid: bigint): Txn {
    const parentPath = this.parentForDelete(path);
    const node = this.recordFor(path);
    if (node.childCount > 0) refuse(ErrorCode.notEmpty);
    if (isSessionOwned(node.stat!.ephemeralOwner, this.options.extendedTypesEnabled)) refuse(ErrorCode.badVersion);
    const parent = this.recordFor(parentPath);
    this.removeNode(path, parent, zxid);
    return { type: OpCode.deleteContainer, path };
  }

  private prepareSetData(request: WriteRequest, set: SetDataRequest, zxid: bigint, now: bigint): SetDataTxn {
    this.checkSession(request, false);
    this.requireValidPath(set.path);
    const node = this.recordFor(set.path);
    this.requireAcl(node.acl, Perms.write, request.authInfo);
    this.requireQuota(set.path, (set.data?.length ?? 0) - (node.data?.length ?? 0), 0);
    const version = nextVersion(node.stat!.version, set.version);
    const updated = duplicateRecord(node, zxid);
    updated.stat!.version = version;
    updated.stat!.mtime = now;
    updated.stat!.mzxid = zxid;
    updated.data = set.data;
    this.pending.add(updated);
    return { type: OpCode.setData, path: set.path, data: set.data, version };
  }

  private prepareSetAcl(request: WriteRequest, set: SetACLRequest, zxid: bigint): Txn {
    this.checkSession(request, false);
    this.requireValidPath(set.path);
    const acl = fixupAcl(set.path, request.authInfo, set.acl);
    if (typeof acl === 'number') refuse(acl);
    const node = this.recordFor(set.path);
    this.requireAcl(node.acl, Perms.admin, request.authInfo);
    const version = nextVersion(node.stat!.aversion, set.version);
    const updated = duplicateRecord(node, zxid);
    updated.stat!.aversion = version;
    // ZooKeeper's overlay keeps the old ACL here; later writes in the same batch are checked against the new one
    // only once this txn is applied. Keeping the old one matches its answers.
    this.pending.add(updated);
    return { type: OpCode.setACL, path: set.path, acl, version };
  }

  /** The new membership becomes /zookeeper/config's data, versioned by this zxid; the stat version is -1. */
  private prepareReconfig(request: WriteRequest, reconfig: ReconfigRequest, zxid: bigint, now: bigint): SetDataTxn {
    if (this.options.reconfigEnabled !== true) refuse(ErrorCode.reconfigDisabled);
    this.checkSession(request, false);
    const isQuorumSynced = this.options.isQuorumSynced ?? refuse(ErrorCode.unimplemented);
    // The config node changes only by reconfig: a pending change to it is a reconfig not yet committed.
    if (this.pending.get(configNodePath) !== undefined) refuse(ErrorCode.reconfigInProgress);
    const node = this.recordFor(configNodePath);
    let current;
    try {
      current = parseQuorumConfig((node.data ?? Buffer.alloc(0)).toString('utf8'));
    } catch {
      return refuse(ErrorCode.badArguments);
    }
    if (reconfig.curConfigId !== -1n && reconfig.curConfigId !== current.version) refuse(ErrorCode.badVersion);
    let members;
    try {
      members = requestedMembership(reconfig, current, this.options.standaloneEnabled ?? true);
    } catch (error) {
      if (error instanceof ReconfigArgumentError) refuse(error.code);
      throw error;
    }
    if (!isQuorumSynced(votersOf({ members, version: zxid }))) refuse(ErrorCode.newConfigNoQuorum);
    this.requireAcl(node.acl, Perms.write, request.authInfo);
    const data = Buffer.from(renderQuorumConfig({ members, version: zxid }));
    const updated = duplicateRecord(node, zxid);
    updated.stat!.version = -1;
    updated.stat!.mtime = now;
    updated.stat!.mzxid = zxid;
    updated.data = data;
    this.pending.add(updated);
    return { type: OpCode.reconfig, path: configNodePath, data, version: -1 };
  }

  private prepareCheck(request: WriteRequest, check: PathVersionRequest): CheckVersionTxn {
    this.checkSession(request, false);
    this.requireValidPath(check.path);
    const node = this.recordFor(check.path);
    this.requireAcl(node.acl, Perms.read, request.authInfo);
    return { type: OpCode.check, path: check.path, version: nextVersion(node.stat!.version, check.version) };
  }

  private prepareCloseSession(sessionId: bigint, zxid: bigint): Txn {
    const paths = new Set(this.tree.ephemeralsOf(sessionId));
    for (const record of this.pending.records()) {
      if (record.stat === null) paths.delete(record.path);
      else if (record.stat.ephemeralOwner === sessionId) paths.add(record.path);
    }
    for (const path of paths) this.pending.add({ zxid, path, stat: null, childCount: 0, acl: [], data: null });
    this.closingSessions.add(sessionId);
    // ZooKeeper deletes them in its HashSet's order, which decides the order of the watch events they cause.
    return { type: OpCode.closeSession, paths2Delete: javaHashSetOrder(paths) };
  }

  private prepareMulti(request: WriteRequest, zxid: bigint, now: bigint): Txn {
    if (request.body === null || !Array.isArray(request.body)) refuse(ErrorCode.marshallingError);
    const ops = request.body.map(normalizeMultiOp);
    const paths = new Set<string>();
    for (const op of ops) {
      paths.add(op.request.path);
      const parent = rawParent(op.request.path);
      if (parent !== undefined) paths.add(parent);
    }
    const saved = this.pending.saveLatest(paths);
    const txns: SubTxn[] = [];
    let failed = false;
    for (const op of ops) {
      if (failed) {
        txns.push({ type: OpCode.error, err: ErrorCode.runtimeInconsistency });
        continue;
      }
      try {
        txns.push(this.prepareMultiOp(op, request, zxid, now));
      } catch (error) {
        if (!(error instanceof Refusal)) throw error;
        failed = true;
        this.pending.rollback(zxid, saved);
        // the ops before the failure stay as prepared, as ZooKeeper logs them: applying a multi that holds an
        // ErrorTxn turns them into ErrorTxn(0) and changes nothing (applyTxn)
        txns.push({ type: OpCode.error, err: error.code });
      }
    }
    return { type: OpCode.multi, txns };
  }

  private prepareMultiOp(op: NormalizedOp, request: WriteRequest, zxid: bigint, now: bigint): SubTxn {
    switch (op.type) {
      case OpCode.delete:
        return this.prepareDelete(request, op.request, zxid);
      case OpCode.check:
        return this.prepareCheck(request, op.request);
      case OpCode.setData:
        return this.prepareSetData(request, op.request, zxid, now);
      default:
        return this.prepareCreate(op.type, request, op.request, zxid, now);
    }
  }
}
