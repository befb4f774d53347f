// A Paddock server: listens on the client port(s), creates and expires sessions, runs requests through the
// pipeline, serves reads and watches, and answers four-letter words. Standalone it commits to the local log; an
// ensemble member hands its pipeline a quorum commit path instead.
import * as net from 'node:net';
import {
  ErrorCode,
  KeeperState,
  OpCode,
  type AuthPacket,
  type SaslToken,
  type ConnectRequest,
  type RequestHeader,
} from '../protocol/index.js';
import type { Logger } from '../log/logger.js';
import type { ZooConfig } from './config/zooCfgTypes.js';
import { ClientConnection, type ConnectionHost, type ConnectionLimits, type QueuedRequest } from './clientConnection.js';
import { OutstandingRequests } from './outstandingRequests.js';
import { RequestPipeline, type PipelineHost } from './requestPipeline.js';
import { SessionTracker } from './sessionTracker.js';
import { SessionPasswords } from './sessionPasswords.js';
import { ReadOnlySessions } from './readOnlySessions.js';
import { executeRead, writeReply } from './requestReplies.js';
import { ZkDatabase } from './zkDatabase.js';
import { LocalCommitPath } from './localCommitPath.js';
import type { CommitPath } from './commitPath.js';
import { RequestPreparer } from '../txn/prepRequest.js';
import type { ApplyResult } from '../txn/applyTxn.js';
import type { Txn, TxnHeader } from '../txn/txnRecords.js';
import { addAuthIds, authenticate } from '../tree/acl.js';
import { SaslAuthentication } from './saslAuthentication.js';
import { WatchManager } from '../watch/watchManager.js';
import { containerCheckIntervalMs, containersToReap } from './containerReaper.js';
import { ServerStatistics } from './serverStatistics.js';
import { listenTcp } from './listenTcp.js';
import { secureClientListener } from './secureClientListener.js';
import { standaloneRole, type ServerRole } from './serverRole.js';
import { OpenSockets } from './openSockets.js';
import type { DiskFailureHandler } from './diskFailure.js';
import { TxnLogFailedError } from '../storage/txnLog.js';
import { quotaChecker } from './quotaEnforcement.js';

/** The four-letter words a server answers on its client port (serverIntrospection.fourLetterWordsFor). */
export interface FourLetterWords {
  has(word: string): boolean;
  run(word: string, connection: ClientConnection): string;
}

const noFourLetterWords: FourLetterWords = { has: () => false, run: () => '' };

export class ZooKeeperServer implements ConnectionHost, PipelineHost {
  database!: ZkDatabase;
  pipeline!: RequestPipeline;
  sessions!: SessionTracker;
  readonly watches = new WatchManager();
  readonly connections = new Map<number, ClientConnection>();
  private readonly connectionsBySession = new Map<bigint, ClientConnection>();
  private readonly connectionsPerAddress = new Map<string, number>();
  private readonly listeners: net.Server[] = [];
  /** Every accepted socket, also TLS ones still in their handshake, so a stop can destroy them all at once. */
  private readonly sockets = new OpenSockets();
  private timers: NodeJS.Timeout[] = [];
  readonly statistics = new ServerStatistics();
  startedAt = 0;
  private serving = false;
  /** True while an ensemble member cut off from its quorum serves reads only (readonlymode.enabled). */
  readOnlyMode = false;
  /** The local sessions of read-only mode, while in it. */
  private readOnlySessions: ReadOnlySessions | undefined;
  private stopped: Promise<void> | undefined;
  private readonly fourLetterWords: FourLetterWords;

  private readonly connectionLimits: ConnectionLimits;
  private readonly sasl: SaslAuthentication;
  readonly passwords: SessionPasswords;

  /**
   * `role`: who owns writes and expiry, session owners, revalidation and quorum sync (an ensemble member's, or
   * standalone). `fourLetterWords`: what the client port answers besides requests (none when not given).
   */
  constructor(
    readonly config: ZooConfig,
    readonly logger: Logger,
    private readonly serverId = 1,
    readonly role: ServerRole = standaloneRole,
    fourLetterWords?: (server: ZooKeeperServer) => FourLetterWords,
    private readonly onDiskFailure: DiskFailureHandler = () => undefined,
  ) {
    this.fourLetterWords = fourLetterWords?.(this) ?? noFourLetterWords;
    this.sasl = new SaslAuthentication(config.sasl, logger);
    this.passwords = new SessionPasswords(config.sessionPasswords, config.dataDir, logger);
    this.connectionLimits = {
      maxBuffer: config.juteMaxBuffer,
      handshakeTimeoutMs: config.sessionlessCnxnTimeout,
      outputBufferLimit: config.clientOutputBufferLimit,
      outstanding: new OutstandingRequests(config.globalOutstandingLimit),
    };
  }

  get isServing(): boolean {
    return this.serving;
  }

  /**
   * Loads the database and opens the pipeline; an ensemble member passes its quorum commit path and keeps the
   * log tail unapplied (it applies only what the quorum commits).
   */
  async open(commitPath?: CommitPath, replayLog = true): Promise<void> {
    this.database = await ZkDatabase.open({
      replayLog,
      dataDir: this.config.dataDir,
      dataLogDir: this.config.dataLogDir,
      snapCount: this.config.snapCount,
      forceSync: this.config.forceSync,
      maxEntryBytes: Math.max(this.config.juteMaxBuffer + 1024, 16 * 1024 * 1024),
      snapRetainCount: this.config.autopurge.snapRetainCount,
      logger: this.logger,
    });
    const now = Date.now();
    this.sessions = new SessionTracker(this.config.tickTime, this.serverId, now);
    for (const [sessionId, timeout] of this.database.sessions) this.sessions.add(sessionId, timeout, now);
    await this.passwords.load();
    this.attachPipeline(commitPath ?? new LocalCommitPath(this.database.log));
  }

  attachPipeline(commitPath: CommitPath): void {
    const preparer = new RequestPreparer(this.database.tree, {
      skipAcl: this.config.skipACL,
      extendedTypesEnabled: this.config.extendedTypesEnabled,
      checkSession: (sessionId, owner) =>
        this.sessions.has(sessionId) ? this.role.checkSessionOwner(sessionId, owner) : ErrorCode.unknownSession,
      reconfigEnabled: this.config.reconfigEnabled,
      standaloneEnabled: this.config.standaloneEnabled,
      isQuorumSynced: this.role.isQuorumSynced,
      checkQuota: this.config.enforceQuota ? quotaChecker(() => this.database.tree, this.logger) : undefined,
    });
    this.pipeline = new RequestPipeline(this.database.tree, preparer, commitPath, this, this.logger);
  }

  /** Standalone start: recover, listen, serve. */
  async start(): Promise<void> {
    await this.open();
    if (this.passwords.takeCharge(this.database.sessions.keys())) await this.passwords.persist();
    await this.listen();
    this.startServing();
  }

  async listen(): Promise<void> {
    const address = this.config.clientPortAddress ?? '0.0.0.0';
    if (this.config.clientPort !== undefined) {
      this.listeners.push(await this.listenOn(net.createServer(), address, this.config.clientPort));
      this.logger.info(`binding to port ${address}:${this.config.clientPort}`);
    }
    if (this.config.secureClientPort !== undefined) {
      const server = secureClientListener(this.config, this.logger);
      const secureAddress = this.config.secureClientPortAddress ?? address;
      this.listeners.push(await this.listenOn(server, secureAddress, this.config.secureClientPort, 'secureConnection'));
      this.logger.info(`binding to secure port ${secureAddress}:${this.config.secureClientPort}`);
    }
  }

  private listenOn(server: net.Server, address: string, port: number, event = 'connection'): Promise<net.Server> {
    server.on(event, (socket: net.Socket) => this.accept(socket));
    server.on('connection', (socket: net.Socket) => this.sockets.track(socket));
    server.on('error', (error) => this.logger.error(`listener error: ${error.message}`));
    return listenTcp(server, address, port).then(() => server);
  }

  /** Opens the doors: sessions start expiring, requests are answered. */
  startServing(): void {
    this.serving = true;
    this.startedAt = Date.now();
    const tick = Math.max(10, Math.floor(this.config.tickTime / 2));
    this.timers.push(setInterval(() => this.expireSessions(), tick));
    this.timers.push(setInterval(() => this.reapContainers(), containerCheckIntervalMs(this.config)));
    const purgeHours = this.config.autopurge.purgeIntervalHours;
    if (purgeHours > 0) {
      this.timers.push(setInterval(() => void this.database.purge(), purgeHours * 3600_000));
    }
  }

  stopServing(): void {
    this.serving = false;
    this.readOnlyMode = false;
    this.readOnlySessions = undefined;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
  }

  /**
   * ZooKeeper's ReadOnlyZooKeeperServer: an ensemble member without a quorum serves reads to clients that accept a
   * read-only server, until the member rejoins a quorum (stopServing then closes those connections).
   */
  startServingReadOnly(): void {
    this.readOnlySessions = new ReadOnlySessions(this, this.serverId);
    this.readOnlyMode = true;
    this.logger.info('Read-only server started');
    this.startServing();
  }

  /** Drops every client connection (an ensemble member that stops serving); clients reconnect elsewhere. */
  closeAllConnections(): void {
    for (const connection of this.connections.values()) connection.closeSoon();
  }

  /**
   * Stops at once, as ZooKeeper does on SIGTERM: client sockets are destroyed, not drained (a client that never
   * reads must not hold the stop open), and writes not yet acknowledged are abandoned, which is safe because a
   * write is acknowledged only after its fsync. Resolves once no socket, timer or file of the server is left.
   */
  stop(): Promise<void> {
    this.stopped ??= this.closeClientPorts().then(() => this.database?.close());
    return this.stopped;
  }

  /** The client side of stop(), which an ensemble member runs first, and its database once its disk work is done. */
  closeClientPorts(): Promise<void> {
    if (this.portsClosed === undefined) {
      this.stopServing();
      for (const connection of this.connections.values()) connection.close();
      this.portsClosed = this.sockets.closeNow(this.listeners);
    }
    return this.portsClosed;
  }

  private portsClosed: Promise<void> | undefined;

  addresses(): net.AddressInfo[] {
    return this.listeners.map((l) => l.address() as net.AddressInfo);
  }

  private accept(socket: net.Socket): void {
    const address = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const count = this.connectionsPerAddress.get(address) ?? 0;
    const max = this.config.maxClientCnxns;
    if (max > 0 && count >= max) {
      this.logger.warn(`Too many connections from /${address} - max is ${max}`);
      socket.destroy();
      return;
    }
    this.connectionsPerAddress.set(address, count + 1);
    const connection = new ClientConnection(socket, this, this.logger, this.connectionLimits);
    this.connections.set(connection.id, connection);
  }

  // ---- ConnectionHost ----

  isFourLetterWord(word: string): boolean {
    return this.fourLetterWords.has(word);
  }

  runFourLetterWord(word: string, connection: ClientConnection): string {
    return this.fourLetterWords.run(word, connection);
  }

  connect(connection: ClientConnection, request: ConnectRequest): void {
    if (!this.serving) {
      this.logger.info(`Refusing session request from ${connection.describe()}: not serving`);
      connection.close();
      return;
    }
    if (this.readOnlyMode && request.readOnly !== true) {
      this.logger.info(`Refusing session request for not-read-only client ${connection.describe()}`);
      connection.close();
      return;
    }
    const lastZxid = this.database.lastProcessedZxid;
    if (request.lastZxidSeen > lastZxid) {
      this.logger.info(
        `Refusing session request for client ${connection.describe()} as it has seen zxid 0x${request.lastZxidSeen.toString(16)} ` +
          `our last zxid is 0x${lastZxid.toString(16)} client must try another server`,
      );
      connection.close();
      return;
    }
    const timeout = Math.min(Math.max(request.timeOut, this.config.minSessionTimeout), this.config.maxSessionTimeout);
    connection.sessionTimeout = timeout;
    connection.readOnly = request.readOnly === true;
    connection.answerWithReadOnlyFlag = request.readOnly !== undefined;
    const connectHeader: RequestHeader = { xid: 0, type: OpCode.createSession };
    if (this.readOnlyMode) {
      this.readOnlySessions!.connect(connection, request, connectHeader);
      return;
    }
    if (request.sessionId === 0n) {
      const sessionId = this.sessions.allocateSessionId();
      this.sessions.add(sessionId, timeout, Date.now());
      this.attachSession(connection, sessionId);
      this.logger.info(`Creating new session 0x${sessionId.toString(16)} with timeout ${timeout} for ${connection.describe()}`);
      const queued: QueuedRequest = { header: connectHeader, body: null, isWrite: true, receivedAt: Date.now() };
      this.pipeline.submitWrite(
        { sessionId, cxid: 0, type: OpCode.createSession, body: { timeOut: timeout }, authInfo: [] },
        { connection, request: queued },
      );
      return;
    }
    const session = this.sessions.get(request.sessionId);
    const passwordValid = this.passwords.accepts(request.sessionId, request.passwd);
    // ZooKeeper's warning: a wrong password is how an attempt to take a session over shows in the log.
    if (!passwordValid) this.logger.warn(`Incorrect password from ${connection.describe()} for session 0x${request.sessionId.toString(16)}`);
    if (session === undefined || session.closing || !passwordValid) {
      this.refuseReconnect(connection, request.sessionId);
      return;
    }
    const revalidate = this.role.revalidateSession;
    if (revalidate === undefined) {
      this.reattachSession(connection, request.sessionId, timeout);
      return;
    }
    // ZooKeeper's learner answers the client only once the leader has confirmed the session (and taken note of
    // its new owner): a write sent on an older connection afterwards is then SessionMoved.
    revalidate(request.sessionId, timeout, (stillValid) => {
      if (connection.closing) return;
      if (stillValid && this.sessions.has(request.sessionId)) this.reattachSession(connection, request.sessionId, timeout);
      else this.refuseReconnect(connection, request.sessionId);
    });
  }

  private reattachSession(connection: ClientConnection, sessionId: bigint, timeout: number): void {
    const session = this.sessions.get(sessionId);
    if (session !== undefined) session.timeout = timeout;
    this.sessions.touch(sessionId, Date.now());
    this.attachSession(connection, sessionId);
    this.logger.info(`Established session 0x${sessionId.toString(16)} with negotiated timeout ${timeout} for ${connection.describe()}`);
    this.pipeline.submitAnswered(connection, { xid: 0, type: OpCode.createSession }, this.connectResponseFrame(connection));
  }

  private refuseReconnect(connection: ClientConnection, sessionId: bigint): void {
    this.logger.info(`Invalid session 0x${sessionId.toString(16)} for client ${connection.describe()}, probably expired`);
    connection.sendConnectResponse({
      protocolVersion: 0,
      timeOut: 0,
      sessionId: 0n,
      passwd: Buffer.alloc(16),
      readOnly: connection.answerWithReadOnlyFlag ? false : undefined,
    });
    connection.closeAfterFlush();
  }

  /** The answer keeps the shape of the request: the readOnly flag only when the client sent one. */
  connectResponseFrame(connection: ClientConnection): Buffer {
    return ClientConnection.connectResponseFrame({
      protocolVersion: 0,
      timeOut: connection.sessionTimeout,
      sessionId: connection.sessionId,
      passwd: this.passwords.issue(connection.sessionId),
      readOnly: connection.answerWithReadOnlyFlag ? this.readOnlyMode : undefined,
    });
  }

  /** One connection per session: a reconnect elsewhere closes the older connection, as ZooKeeper does. */
  attachSession(connection: ClientConnection, sessionId: bigint): void {
    const previous = this.connectionsBySession.get(sessionId);
    if (previous && previous !== connection) {
      this.logger.info(`Session 0x${sessionId.toString(16)} moved to ${connection.describe()}; closing ${previous.describe()}`);
      previous.close();
    }
    connection.sessionId = sessionId;
    this.connectionsBySession.set(sessionId, connection);
  }

  request(connection: ClientConnection, header: RequestHeader, body: unknown): void {
    this.statistics.packetReceived();
    if (this.readOnlyMode && header.type !== OpCode.auth) {
      // Local sessions: nothing to report to a leader, and writes never reach the pipeline.
      if (!this.readOnlySessions!.answer(connection, header)) this.pipeline.submit(connection, header, body);
      return;
    }
    this.sessions.touch(connection.sessionId, Date.now());
    this.role.sessionTouched(connection.sessionId);
    if (header.type === OpCode.auth) {
      this.authenticateConnection(connection, header, body as AuthPacket);
      return;
    }
    if (header.type === OpCode.sasl) {
      this.sasl.handle(connection, header, (body as SaslToken).token ?? Buffer.alloc(0));
      return;
    }
    if (!this.sasl.admits(connection, header)) return;
    if (header.type === OpCode.closeSession) this.sessions.markClosing(connection.sessionId);
    this.pipeline.submit(connection, header, body);
  }

  drained(connection: ClientConnection): void {
    this.pipeline.pump(connection);
  }

  unknownRequest(connection: ClientConnection, header: RequestHeader): void {
    this.logger.warn(`Received packet of unknown type ${header.type} from ${connection.describe()}; closing it`);
    connection.write(ClientConnection.encodeReply({ xid: header.xid, zxid: -1n, err: ErrorCode.unimplemented }, header.type, null));
    connection.closeAfterFlush();
  }

  private authenticateConnection(connection: ClientConnection, header: RequestHeader, packet: AuthPacket): void {
    const outcome = authenticate(packet.scheme, packet.auth, connection.remoteAddress, this.config.superDigest);
    if (!outcome.ok) {
      this.statistics.authFailed++;
      this.logger.warn(`Authentication failed for scheme: ${packet.scheme}`);
      connection.write(ClientConnection.encodeReply({ xid: header.xid, zxid: 0n, err: ErrorCode.authFailed }, OpCode.auth, null));
      connection.closeAfterFlush();
      return;
    }
    // ZooKeeper keeps a connection's ids in a hash set; whoAmI and "auth" ACL expansion show that order.
    connection.authInfo = addAuthIds(connection.authInfo, outcome.ids);
    connection.write(ClientConnection.encodeReply({ xid: header.xid, zxid: 0n, err: 0 }, OpCode.auth, null));
  }

  closed(connection: ClientConnection): void {
    this.connections.delete(connection.id);
    this.watches.removeWatcher(connection.id);
    if (this.connectionsBySession.get(connection.sessionId) === connection) this.connectionsBySession.delete(connection.sessionId);
    const address = connection.remoteAddress;
    const count = (this.connectionsPerAddress.get(address) ?? 1) - 1;
    if (count <= 0) this.connectionsPerAddress.delete(address);
    else this.connectionsPerAddress.set(address, count);
  }

  private expireSessions(): void {
    if (this.readOnlyMode) {
      for (const session of this.readOnlySessions?.expire(Date.now()) ?? []) {
        this.logger.info(`Expiring local session 0x${session.sessionId.toString(16)}, timeout of ${session.timeout}ms exceeded`);
        this.connectionsBySession.get(session.sessionId)?.close();
      }
      return;
    }
    if (!this.role.ownsWrites()) return;
    for (const session of this.sessions.expire(Date.now())) {
      this.logger.info(`Expiring session 0x${session.sessionId.toString(16)}, timeout of ${session.timeout}ms exceeded`);
      this.closeSession(session.sessionId);
    }
  }

  /** Removes empty containers and expired TTL nodes, at most znode.container.maxPerMinute per minute, as the leader does. */
  reapContainers(): void {
    if (!this.serving || !this.role.ownsWrites()) return;
    for (const path of containersToReap(this.config, this.database.tree, Date.now())) {
      this.pipeline.submitWrite({ sessionId: 0n, cxid: 0, type: OpCode.deleteContainer, body: { path }, authInfo: [], internal: true });
    }
  }

  /** Ends a session through the pipeline, so its ephemerals go in a logged transaction. */
  closeSession(sessionId: bigint): void {
    this.sessions.markClosing(sessionId);
    this.pipeline.submitWrite({ sessionId, cxid: 0, type: OpCode.closeSession, body: null, authInfo: [] });
    this.connectionsBySession.get(sessionId)?.close();
  }

  // ---- PipelineHost ----

  executeRead(connection: ClientConnection, request: QueuedRequest): { reply: Buffer; zxid: bigint } {
    const context = { tree: this.database.tree, watches: this.watches, skipAcl: this.config.skipACL, zxid: this.database.lastProcessedZxid };
    return executeRead(context, connection, request);
  }

  deliverWatchEvents(result: ApplyResult): void {
    for (const trigger of result.triggers) {
      for (const delivery of this.watches.trigger(trigger.path, trigger.type)) {
        this.connections.get(delivery.watcher)?.sendEvent(delivery.eventType, KeeperState.syncConnected, delivery.path);
      }
    }
  }

  afterApply(header: TxnHeader, txn: Txn, result: ApplyResult): void {
    this.database.trackSessions(header, txn);
    this.database.noteApplied();
    // Every member learns of every session from the transactions, so a client can move to any of them.
    if (txn.type === OpCode.createSession && !this.sessions.has(header.clientId)) {
      this.sessions.add(header.clientId, txn.timeOut, Date.now());
    } else if (txn.type === OpCode.closeSession) {
      this.sessions.remove(header.clientId);
      this.passwords.sessionClosed(header.clientId);
    }
    void result;
  }

  replyFor(connection: ClientConnection, request: QueuedRequest, result: ApplyResult): Buffer {
    const type = request.header.type;
    if (type === OpCode.createSession) {
      this.logger.info(`Session 0x${connection.sessionId.toString(16)} established for ${connection.describe()}`);
      return this.connectResponseFrame(connection);
    }
    return writeReply(this.database.tree, request, result);
  }

  replySent(latency: number): void {
    this.statistics.packetSent();
    this.statistics.recordLatency(latency);
  }

  commitFailed(error: Error): void {
    // A stop closes the log under writes still in the pipeline; only a failure of the disk itself is one.
    if (this.portsClosed !== undefined && !(error instanceof TxnLogFailedError)) return;
    for (const connection of this.connections.values()) connection.close();
    this.stopServing();
    this.onDiskFailure(error);
  }
}
