// The request pipeline: prep -> propose (log or quorum) -> commit -> apply -> reply, as ZooKeeper's processor chain.
// Writes are prepared at arrival, in arrival order, against the tree plus not-yet-applied changes; they apply in
// zxid order once the commit path says so. Each connection's replies leave in request order, and a read runs only
// when every earlier request of its connection has been applied, which gives ZooKeeper's ordering guarantees.
import { ErrorCode, OpCode, opCodeName, writeOpCodes, type RequestHeader } from '../protocol/index.js';
import type { DataTree } from '../tree/dataTree.js';
import type { RequestPreparer, WriteRequest } from '../txn/prepRequest.js';
import { encodeTxnEntry, type Txn, type TxnHeader } from '../txn/txnRecords.js';
import { applyTxn, type ApplyResult } from '../txn/applyTxn.js';
import type { Logger } from '../log/logger.js';
import type { CommitPath } from './commitPath.js';
import { ClientConnection, type QueuedRequest } from './clientConnection.js';

/** What the pipeline needs to finish a request it cannot answer from the tree alone. */
export interface PipelineHost {
  /** Runs a read-side request (reads, watches, sync, ping) for a connection at the head of its queue. */
  executeRead(connection: ClientConnection, request: QueuedRequest): { reply: Buffer; zxid: bigint };
  /** Delivers the watch events of an applied transaction. */
  deliverWatchEvents(result: ApplyResult): void;
  /** Session bookkeeping and snapshot accounting after each applied transaction. */
  afterApply(header: TxnHeader, txn: Txn, result: ApplyResult): void;
  /** Builds the reply a connection gets when its own write has been applied (connect replies included). */
  replyFor(connection: ClientConnection, request: QueuedRequest, result: ApplyResult): Buffer;
  /** Durability failed: the server must stop acknowledging writes. */
  commitFailed(error: Error): void;
  /** A reply left for its client after `latency` ms in the server (srvr/mntr figures). */
  replySent(latency: number): void;
}

interface InFlightTxn {
  zxid: bigint;
  header: TxnHeader;
  txn: Txn;
  connection?: ClientConnection;
  request?: QueuedRequest;
  onApplied?: (result: ApplyResult) => void;
}

/** A learner's write, sent to the leader as ZooKeeper's REQUEST packet carries it. */
export type ForwardWrite = (request: WriteRequest) => void;

interface ForwardedWrite {
  connection?: ClientConnection;
  request?: QueuedRequest;
  onApplied?: (result: ApplyResult) => void;
}

const forwardKey = (sessionId: bigint, cxid: number) => `${sessionId}:${cxid}`;

export class RequestPipeline {
  private readonly inFlight: InFlightTxn[] = [];
  private lastProposedZxid: bigint;
  private failed = false;
  /** Set on an ensemble learner: writes go to the leader and come back as commits matched by (session, cxid). */
  private forwardWrite: ForwardWrite | undefined;
  private readonly forwarded = new Map<string, ForwardedWrite>();
  /** Set in an ensemble: a client's sync waits until the leader says everything before it is applied here. */
  private syncRoute: (() => void) | undefined;
  private readonly pendingSyncs: { connection: ClientConnection; request: QueuedRequest }[] = [];

  constructor(
    private readonly tree: DataTree,
    private readonly preparer: RequestPreparer,
    private readonly commitPath: CommitPath,
    private readonly host: PipelineHost,
    private readonly logger: Logger,
    private readonly clock: () => number = Date.now,
  ) {
    this.lastProposedZxid = tree.lastProcessedZxid;
    commitPath.onCommitted(
      (zxid) => this.committed(zxid),
      (error) => this.commitError(error),
    );
  }

  get outstanding(): number {
    return this.inFlight.length;
  }

  /** The zxid the next write will get; the ensemble resets it at each new epoch. */
  setLastProposedZxid(zxid: bigint): void {
    this.lastProposedZxid = zxid;
  }

  /** Queues a client request behind the earlier ones of its connection; writes are prepared and proposed now. */
  submit(connection: ClientConnection, header: RequestHeader, body: unknown): void {
    const isWrite = writeOpCodes.has(header.type);
    const request: QueuedRequest = { header, body, isWrite, receivedAt: this.clock() };
    connection.enqueue(request);
    if (header.type === OpCode.sync && this.syncRoute) {
      // Held like a write: its reply leaves only after the leader confirms this member has caught up.
      request.isWrite = true;
      this.pendingSyncs.push({ connection, request });
      this.syncRoute();
      return;
    }
    if (isWrite) {
      this.proposeWrite(
        { sessionId: connection.sessionId, cxid: header.xid, type: header.type, body, authInfo: connection.authInfo } as WriteRequest,
        connection,
        request,
      );
    } else {
      this.pump(connection);
    }
  }

  /** A request that already has its reply (a reconnect answered at once): it still leaves in order. */
  submitAnswered(connection: ClientConnection, header: RequestHeader, reply: Buffer): void {
    connection.enqueue({ header, body: null, isWrite: true, receivedAt: this.clock(), reply });
    this.pump(connection);
  }

  /** Writes the server makes itself (session creation, expiry) or on behalf of a connection's handshake. */
  submitWrite(
    request: WriteRequest,
    origin?: { connection: ClientConnection; request: QueuedRequest },
    onApplied?: (result: ApplyResult) => void,
  ): void {
    if (origin) origin.connection.enqueue(origin.request);
    this.proposeWrite(request, origin?.connection, origin?.request, onApplied);
  }

  private proposeWrite(
    request: WriteRequest,
    connection?: ClientConnection,
    queued?: QueuedRequest,
    onApplied?: (result: ApplyResult) => void,
  ): void {
    if (this.failed) {
      // After a disk failure nothing may be acknowledged; the connection learns it by losing its socket.
      connection?.close();
      return;
    }
    if (this.forwardWrite) {
      this.forwarded.set(forwardKey(request.sessionId, request.cxid), { connection, request: queued, onApplied });
      this.forwardWrite(request);
      return;
    }
    const zxid = ++this.lastProposedZxid;
    const { header, txn } = this.preparer.prepare(request, zxid, BigInt(this.clock()));
    const entry: InFlightTxn = { zxid, header, txn, connection, request: queued, onApplied };
    this.inFlight.push(entry);
    this.commitPath.propose(zxid, encodeTxnEntry(header, txn));
  }

  private committed(zxid: bigint): void {
    while (this.inFlight.length > 0 && this.inFlight[0]!.zxid <= zxid) {
      const entry = this.inFlight.shift()!;
      this.apply(entry.header, entry.txn, entry);
    }
  }

  /** Turns this pipeline into a learner's: writes are forwarded to the leader instead of being prepared here. */
  forwardWritesTo(forward: ForwardWrite | undefined): void {
    this.forwardWrite = forward;
  }

  /** In an ensemble, syncs go through the leader (`route` asks it); completeSync answers the oldest one. */
  routeSyncsThrough(route: (() => void) | undefined): void {
    this.syncRoute = route;
  }

  completeSync(): void {
    const pending = this.pendingSyncs.shift();
    if (!pending) return;
    const { reply, zxid } = this.host.executeRead(pending.connection, pending.request);
    pending.request.reply = reply;
    pending.request.replyZxid = zxid;
    this.pump(pending.connection);
  }

  /** A write a learner forwarded to this leader: prepared and proposed like a local one, answered by the learner. */
  submitRemote(request: WriteRequest): void {
    this.proposeWrite(request);
  }

  /**
   * An ensemble member applies a committed transaction: the leader's own proposal (answering its client) when it
   * heads the in-flight list, otherwise one proposed elsewhere (answering a client whose write this member forwarded).
   */
  applyCommittedTxn(header: TxnHeader, txn: Txn): void {
    const head = this.inFlight[0];
    if (head !== undefined && head.zxid === header.zxid) this.committed(header.zxid);
    else this.applyCommitted(header, txn);
  }

  /** A learner applies a transaction the leader committed; if one of its own clients sent it, that client is answered. */
  applyCommitted(header: TxnHeader, txn: Txn): ApplyResult {
    const key = forwardKey(header.clientId, header.cxid);
    const origin = this.forwarded.get(key);
    if (origin) this.forwarded.delete(key);
    return this.apply(header, txn, origin ? { zxid: header.zxid, header, txn, ...origin } : undefined);
  }

  /**
   * Forgets everything in flight, as when a member changes role or loses its leader; the server closes the
   * affected client connections, whose clients retry elsewhere.
   */
  reset(): ClientConnection[] {
    const affected = new Set<ClientConnection>();
    for (const entry of this.inFlight) if (entry.connection) affected.add(entry.connection);
    for (const entry of this.forwarded.values()) if (entry.connection) affected.add(entry.connection);
    for (const entry of this.pendingSyncs) affected.add(entry.connection);
    this.inFlight.length = 0;
    this.forwarded.clear();
    this.pendingSyncs.length = 0;
    return [...affected];
  }

  /** Applies a committed transaction; for an ensemble learner also those that other members proposed. */
  apply(header: TxnHeader, txn: Txn, origin?: InFlightTxn): ApplyResult {
    const result = applyTxn(this.tree, header, txn);
    this.preparer.applied(header.zxid);
    this.host.deliverWatchEvents(result);
    this.host.afterApply(header, txn, result);
    origin?.onApplied?.(result);
    if (origin?.connection && origin.request) {
      const { connection, request } = origin;
      if (result.err === ErrorCode.sessionMoved) {
        // A connection-level error in ZooKeeper (ZOOKEEPER-710): the old connection of a moved session is closed
        // without a reply, so its client reconnects instead of acting on a stale view.
        this.logger.info(`Session 0x${connection.sessionId.toString(16)} moved to another server; closing ${connection.describe()}`);
        connection.clearQueue();
        connection.close();
        return result;
      }
      request.reply = this.host.replyFor(connection, request, result);
      request.replyZxid = header.zxid;
      this.pump(connection);
    }
    return result;
  }

  /**
   * Sends every finished reply at the head of the connection's queue and runs reads that have reached it. Reads
   * wait while the client leaves earlier replies unread; the connection's drain pumps again.
   */
  pump(connection: ClientConnection): void {
    for (let head = connection.queueHead; head !== undefined; head = connection.queueHead) {
      if (head.reply === undefined) {
        if (head.isWrite || connection.outputBackedUp) return;
        const { reply, zxid } = this.host.executeRead(connection, head);
        head.reply = reply;
        head.replyZxid = zxid;
      }
      connection.dequeue();
      connection.write(head.reply);
      const now = this.clock();
      connection.recordLatency(head.receivedAt, now, head.header, head.replyZxid ?? 0n, opCodeName(head.header.type));
      this.host.replySent(now - head.receivedAt);
      if (head.header.type === OpCode.closeSession) {
        connection.closeAfterFlush();
        connection.clearQueue();
        return;
      }
    }
  }

  private commitError(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    this.logger.error(`Transaction log failed, no further writes will be acknowledged: ${error.message}`);
    this.host.commitFailed(error);
  }
}
