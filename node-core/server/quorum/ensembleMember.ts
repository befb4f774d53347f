// One member of a replicated ensemble, as Apache ZooKeeper's QuorumPeerMain runs it: the pure consensus core
// (node-core/consensus) driven by real election and quorum links, a real transaction log and epoch files, and a
// ZooKeeperServer that serves clients only while the core says this member is part of an established quorum.
import { join } from 'node:path';
import type { Logger } from '../../log/logger.js';
import { renderServerSpec } from '../../consensus/quorumConfig.js';
import type { ZooConfig } from '../config/zooCfgTypes.js';
import { ZooKeeperServer } from '../zooKeeperServer.js';
import { ServerIntrospectionView, fourLetterWordsFor, startAdminServer } from '../serverIntrospection.js';
import { MetricsServer } from '../metricsServer.js';
import type { ServerRole } from '../serverRole.js';
import type { AdminServer, JsonObject } from '../adminServer.js';
import type { CommitPath } from '../commitPath.js';
import { ElectionLinks, type PeerAddress } from './electionLinks.js';
import { QuorumLinks } from './quorumLinks.js';
import { encodeForwardedRequest, decodeForwardedRequest, decodeSessionTouches } from './forwardedRequest.js';
import { MemberSessions } from './memberSessions.js';
import { quorumIntrospection } from './memberIntrospection.js';
import { ElectionHistory } from './electionHistory.js';
import { ActionExecutor, QuorumPeer, type DiskAction, type PeerEnvironment, type Txn } from '../../consensus/index.js';
import { epochOf, makeZxid, zxidHex } from '../../consensus/zxid.js';
import { fromWireNotification, toWireNotification } from '../../consensus/notificationWire.js';
import { readEpochFile, writeEpochFile, ACCEPTED_EPOCH_FILE, CURRENT_EPOCH_FILE } from '../../storage/index.js';
import { decodeTxnEntry } from '../../txn/txnRecords.js';
import { MemberSnapshots } from './memberSnapshots.js';
import { OpCode, type Id } from '../../protocol/index.js';
import { QuorumPacketType } from '../../protocol/quorumPackets.js';
import type { WriteRequest } from '../../txn/prepRequest.js';
import type { ServerState } from '../introspection.js';
import type { ConfigChange } from '../../consensus/quorumConfig.js';
import { configChangeOfEntry } from '../../txn/reconfigTxn.js';
import { adoptStoredMembership, activateMembership } from './reconfigMembership.js';
import { SessionSecretSync, liveSessionsAfter } from './sessionSecretSync.js';
import type { DiskFailureHandler } from '../diskFailure.js';

/** The leader's commit path: a prepared transaction becomes a proposal; the core's commit actions apply it. */
class QuorumCommitPath implements CommitPath {
  failed: (error: Error) => void = () => undefined;
  constructor(private readonly member: EnsembleMember) {}
  onCommitted(_committed: (zxid: bigint) => void, failed: (error: Error) => void): void {
    // Commits arrive as the core's commit actions (EnsembleMember.applyThrough), in zxid order.
    this.failed = failed;
  }
  propose(zxid: bigint, entryBytes: Buffer): void {
    this.member.propose(zxid, entryBytes);
  }
}

const roleNames: Record<string, ServerState> = { leading: 'leader', following: 'follower', observing: 'observer', looking: 'looking' };

export class EnsembleMember {
  readonly server: ZooKeeperServer;
  private peer!: QuorumPeer;
  private executor!: ActionExecutor;
  private election!: ElectionLinks;
  private quorum!: QuorumLinks;
  private admin: AdminServer | undefined;
  private metrics: MetricsServer | undefined;
  private readonly commitPath = new QuorumCommitPath(this);
  private readonly myId: number;
  private configData: Buffer;
  /** The links' peer lists, kept so an activated reconfig can change them in place. */
  private readonly electionPeers: PeerAddress[] = [];
  private readonly quorumPeers: PeerAddress[] = [];
  private readonly versionDir: string;
  /** Logged transactions not yet applied, in zxid order: commits apply from here. */
  private unapplied: Txn[] = [];
  private tickTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private readOnlyTimer: NodeJS.Timeout | undefined;
  private diskTail: Promise<void> = Promise.resolve();
  private diskBarrier: Promise<void> = Promise.resolve();
  private stopped = false;
  /** Set when this member starts serving: a leader owns writes, and srvr reports at least its epoch's first zxid. */
  private ownsWrites = false;
  private zxidFloor = 0n;
  private readonly memberSessions: MemberSessions;
  private readonly secretSync: SessionSecretSync;
  private readonly snapshots: MemberSnapshots;
  readonly elections = new ElectionHistory();

  constructor(
    private readonly config: ZooConfig,
    private readonly logger: Logger,
    private readonly onDiskFailure: DiskFailureHandler,
  ) {
    if (config.myid === undefined) throw new Error('an ensemble member needs a myid file in its dataDir');
    this.myId = config.myid;
    this.memberSessions = new MemberSessions({
      myId: this.myId,
      logger,
      isLeading: () => this.peer?.state === 'leading',
      sessions: () => this.server.sessions,
      executor: () => this.executor,
      stopServing: (reason) => this.stopServing(reason),
    });
    // A reconfig this member saw before it stopped overrides the static server.N lines.
    const stored = config.reconfigEnabled ? adoptStoredMembership(config, logger) : null;
    this.server = new ZooKeeperServer(config, logger, this.myId, this.serverRole(), fourLetterWordsFor, onDiskFailure);
    // QuorumVerifier.toString(): the membership as /zookeeper/config shows it and NEWLEADER carries it.
    this.configData =
      stored ?? Buffer.from(`${config.servers.map((s) => `server.${s.id}=${renderServerSpec(s)}`).join('\n')}\nversion=0`);
    this.versionDir = join(config.dataDir, 'version-2');
    this.secretSync = new SessionSecretSync({
      passwords: this.server.passwords,
      logger,
      liveSessions: () => liveSessionsAfter(this.server.database.sessions.keys(), this.unapplied),
      leaderId: () => this.peer?.leaderId ?? null,
      persist: () => this.persistOutOfBand(() => this.server.passwords.persist()),
    });
    this.snapshots = new MemberSnapshots({
      server: this.server,
      config,
      logger,
      quorum: () => this.quorum,
      sent: (to) => {
        if (!this.stopped) this.executor.snapshotSent(to);
      },
      adoptState: () => {
        this.publishConfig();
        this.server.attachPipeline(this.commitPath);
      },
    });
  }

  private get me() {
    return this.config.servers.find((s) => s.id === this.myId)!;
  }

  private peers(port: 'quorumPort' | 'electionPort'): PeerAddress[] {
    return this.config.servers.filter((s) => s.id !== this.myId).map((s) => ({ sid: s.id, host: s.host, port: s[port] }));
  }

  async start(): Promise<void> {
    await this.server.open(this.commitPath, false);

    const database = this.server.database;
    this.publishConfig();
    const lastLogged = database.unappliedLog.at(-1)?.zxid ?? database.lastProcessedZxid;
    const acceptedEpoch = BigInt((await readEpochFile(this.versionDir, ACCEPTED_EPOCH_FILE)) ?? Number(epochOf(lastLogged)));
    const currentEpoch = BigInt((await readEpochFile(this.versionDir, CURRENT_EPOCH_FILE)) ?? Number(epochOf(lastLogged)));
    this.unapplied = database.unappliedLog.map((entry) => ({ zxid: entry.zxid, data: entry.payload }));
    database.unappliedLog = [];

    const voters = this.config.servers.filter((s) => s.role === 'participant').map((s) => s.id);
    const observers = this.config.servers.filter((s) => s.role === 'observer').map((s) => s.id);
    this.peer = new QuorumPeer({
      myId: this.myId,
      voters,
      observers,
      tickTime: this.config.tickTime,
      initLimit: this.config.initLimit,
      syncLimit: this.config.syncLimit,
      configData: this.configData,
      configChangeOf: this.config.reconfigEnabled ? configChangeOfEntry : undefined,
      maxNotificationIntervalMs: this.config.fastleaderMaxNotificationInterval,
      // ZooKeeper redials a leader that is not listening yet after 100 ms (leaderConnectDelayDuringRetryMs); a
      // 1 s wait made failover a second slower whenever a follower dialled first. 20 tries keep a 2 s window.
      connectRetryMs: 100,
      connectAttempts: 20,
      log: (message) => this.logger.debug(message),
    });
    this.executor = new ActionExecutor(this.peer, this.environment());
    const me = this.me;
    this.election = new ElectionLinks({
      myId: this.myId,
      listen: { host: this.config.quorumListenOnAllIPs ? '0.0.0.0' : me.host, port: me.electionPort },
      peers: Object.assign(this.electionPeers, this.peers('electionPort')),
      acceptUnknownPeers: this.config.reconfigEnabled,
      logger: this.logger.child('election'),
      onNotification: (from, message) => {
        const notification = fromWireNotification(message);
        if (notification) this.executor.receiveNotification(from, notification);
      },
    });
    this.quorum = new QuorumLinks({
      myId: this.myId,
      listen: { host: this.config.quorumListenOnAllIPs ? '0.0.0.0' : me.host, port: me.quorumPort },
      peers: Object.assign(this.quorumPeers, this.peers('quorumPort')),
      acceptUnknownPeers: this.config.reconfigEnabled,
      logger: this.logger.child('quorum'),
      onPacket: (from, packet) => {
        if (this.secretSync.receive(from, packet)) return;
        this.snapshots.noteReceived(packet);
        this.executor.receivePacket(from, packet);
      },
      onLinkClosed: (peer) => this.executor.linkClosed(peer),
      onSyncProgress: (from) => this.executor.syncProgress(from),
    });
    // ZooKeeper starts its metrics provider first: a metrics port it cannot bind stops the member before it votes.
    this.metrics = await MetricsServer.start(new ServerIntrospectionView(this.server));
    await this.election.start();
    await this.quorum.start();
    await this.server.listen();
    this.admin = await startAdminServer(this.server);
    this.admin?.registerCommand('election', () => this.electionState(), { serverRequired: false });
    this.pingTimer = setInterval(() => this.memberSessions.reportTouches(), Math.max(50, Math.floor(this.config.tickTime / 2)));
    this.logger.info(
      `Ensemble member ${this.myId} starting: voters ${voters.join(',')}${observers.length ? `, observers ${observers.join(',')}` : ''}, ` +
        `last logged zxid ${zxidHex(lastLogged)}, acceptedEpoch ${acceptedEpoch}, currentEpoch ${currentEpoch}`,
    );
    this.executor.start({
      acceptedEpoch,
      currentEpoch,
      appliedZxid: database.lastProcessedZxid,
      logTail: this.unapplied,
    });
  }

  /**
   * Every socket closes at once; disk work already issued finishes before the log closes (a proposal is acked only
   * after its fsync, so what is not done yet was never acknowledged). Later calls share the first stop.
   */
  stop(): Promise<void> {
    this.stopping ??= this.close();
    return this.stopping;
  }

  private stopping: Promise<void> | undefined;

  private async close(): Promise<void> {
    this.stopped = true;
    this.executor?.stop();
    clearTimeout(this.tickTimer);
    clearInterval(this.pingTimer);
    clearTimeout(this.readOnlyTimer);
    await Promise.all([
      this.admin?.stop(),
      this.metrics?.stop(),
      this.election?.stop(),
      this.quorum?.stop(),
      this.server.closeClientPorts(),
      this.diskTail.catch(() => undefined),
    ]);
    await this.server.stop();
  }

  /** What the ZooKeeperServer asks of this member; the answers follow the role the core gives it. */
  private serverRole(): ServerRole {
    return {
      ownsWrites: () => this.ownsWrites,
      zxidFloor: () => this.zxidFloor,
      sessionTouched: (sessionId) => this.memberSessions.touch(sessionId),
      checkSessionOwner: (sessionId, owner) => this.memberSessions.checkOwner(sessionId, owner),
      revalidateSession: (sessionId, timeout, done) => this.memberSessions.revalidate(sessionId, timeout, done),
      isQuorumSynced: (voters) => this.peer?.isQuorumSynced(voters) ?? false,
      state: () => roleNames[this.peer?.state ?? 'looking'] ?? 'looking',
      quorum: () => quorumIntrospection(this.config, this.myId, this.peer, this.server),
    };
  }

  // ---- driving the core ----

  /** How the core's actions reach this member's sockets, disk, timers and server (see ActionExecutor). */
  private environment(): PeerEnvironment {
    return {
      now: () => Date.now(),
      sendNotification: (to, notification) => this.election.send(to, toWireNotification(notification, this.configData)),
      sendPacket: (to, packet) => {
        const secret = packet.type === QuorumPacketType.NEWLEADER ? this.secretSync.packetBeforeNewLeader() : undefined;
        if (secret !== undefined) this.quorum.send(to, secret);
        this.quorum.send(to, packet);
      },
      connectToLeader: (leader) => this.quorum.connectToLeader(leader),
      closeLink: (peer) => this.quorum.close(peer),
      sendSnapshot: (to, zxid) => this.snapshots.send(to, zxid),
      persist: (action) => this.disk(action),
      commit: (zxid) => this.applyThrough(zxid),
      serving: (epoch) => this.becomeServing(epoch),
      stateChanged: (state, leader, reason) => this.changeState(state, leader, reason),
      configActivated: (change) => this.activateConfig(change),
      leaderReceivedRequest: (from, data, authinfo) => this.receiveForwarded(from, data, authinfo),
      learnerPing: (_from, data) => {
        for (const sessionId of decodeSessionTouches(data)) this.server.sessions.touch(sessionId, Date.now());
      },
      revalidateSession: (from, data) => this.memberSessions.answerRevalidation(from, data),
      sessionRevalidated: (data) => this.memberSessions.revalidated(data),
      syncDone: () => this.server.pipeline.completeSync(),
      scheduleTick: (deadline) => this.scheduleTick(deadline),
    };
  }

  private scheduleTick(deadline: number | null): void {
    clearTimeout(this.tickTimer);
    if (deadline === null || this.stopped) return;
    this.tickTimer = setTimeout(() => this.executor.tick(), Math.max(0, deadline - Date.now()));
  }

  /** A newer membership is in force: persist it, reach its members, and carry it in notifications and views. */
  private activateConfig(change: ConfigChange): void {
    try {
      activateMembership(this.config, change, this.myId, this.logger);
    } catch (error) {
      this.diskFailed(error);
      return;
    }
    this.configData = change.configData;
    this.electionPeers.splice(0, this.electionPeers.length, ...this.peers('electionPort'));
    this.quorumPeers.splice(0, this.quorumPeers.length, ...this.peers('quorumPort'));
  }

  // ---- disk ----

  /**
   * Disk actions complete in the order issued. Appends start at once (the log keeps their order and merges their
   * fsyncs); anything else waits for everything before it, and later appends wait for it.
   */
  private disk(action: DiskAction): void {
    if (action.kind === 'logTxns') {
      for (const txn of action.txns) this.remember(txn);
      const appended = this.diskBarrier.then(() =>
        Promise.all(action.txns.map((txn) => this.server.database.log.append(txn.data))).then(() => undefined),
      );
      this.diskTail = Promise.all([this.diskTail, appended]).then(() => undefined);
    } else {
      if (action.kind === 'installSnapshot') this.unapplied = this.snapshots.installInMemory(action.zxid, action.snapshot, action.txns);
      if (action.kind === 'truncateLog') this.unapplied = this.unapplied.filter((t) => t.zxid <= action.zxid);
      this.diskTail = this.diskTail.then(() => this.performDisk(action));
      this.diskBarrier = this.diskTail;
    }
    this.diskTail.then(
      () => this.executor.diskDone(action.ticket),
      (error: unknown) => this.diskFailed(error),
    );
  }

  /** Disk work outside the core's actions (the session secret), ordered with them: later actions wait for it. */
  private persistOutOfBand(write: () => Promise<void>): void {
    this.diskTail = this.diskTail.then(write);
    this.diskBarrier = this.diskTail;
    this.diskTail.catch((error: unknown) => this.diskFailed(error));
  }

  private async performDisk(action: Exclude<DiskAction, { kind: 'logTxns' }>): Promise<void> {
    const database = this.server.database;
    switch (action.kind) {
      case 'persistAcceptedEpoch':
        await writeEpochFile(this.versionDir, ACCEPTED_EPOCH_FILE, Number(action.epoch));
        return;
      case 'persistCurrentEpoch':
        await writeEpochFile(this.versionDir, CURRENT_EPOCH_FILE, Number(action.epoch));
        return;
      case 'truncateLog':
        await database.log.truncateAfter(action.zxid);
        return;
      case 'installSnapshot':
        await this.snapshots.installOnDisk(action.zxid, action.txns);
        return;
    }
  }

  private diskFailed(error: unknown): void {
    // Every disk action queued behind the failed one fails too; the first one tells the story.
    if (this.diskFailure) return;
    this.diskFailure = true;
    // A lost write must not be acknowledged: this member stops at once and restarts from what is durable.
    this.stopped = true;
    clearTimeout(this.tickTimer);
    this.onDiskFailure(error instanceof Error ? error : new Error(String(error)));
  }

  private diskFailure = false;

  // ---- applying ----

  private remember(txn: Txn): void {
    const last = this.unapplied.at(-1)?.zxid ?? this.server.database.lastProcessedZxid;
    if (txn.zxid > last) this.unapplied.push(txn);
  }

  /** The core's commit: every remembered transaction up to `zxid` is applied, in order. */
  private applyThrough(zxid: bigint): void {
    const tree = () => this.server.database.tree;
    while (this.unapplied.length > 0 && this.unapplied[0]!.zxid <= zxid) {
      const txn = this.unapplied.shift()!;
      if (txn.zxid <= tree().lastProcessedZxid) continue;
      const { header, txn: record } = decodeTxnEntry(txn.data);
      this.server.pipeline.applyCommittedTxn(header, record);
    }
  }

  // ---- serving ----

  /** The pipeline asked to propose a prepared write (leader only). */
  propose(zxid: bigint, entryBytes: Buffer): void {
    if (this.executor.propose(entryBytes, zxid) === null) {
      this.logger.warn(`could not propose ${zxidHex(zxid)}: not leading an established quorum`);
      this.stopServing('lost leadership while proposing');
    }
  }

  private becomeServing(epoch: bigint): void {
    const server = this.server;
    server.attachPipeline(this.commitPath);
    const leading = this.peer.state === 'leading';
    if (leading) {
      server.pipeline.setLastProposedZxid(makeZxid(epoch, 0n));
      server.pipeline.routeSyncsThrough(() => this.executor.sync(null));
      this.memberSessions.forgetOwners();
      // Sessions known from the transactions get a full timeout from now, as ZooKeeper's new leader gives them.
      for (const sessionId of server.database.sessions.keys()) server.sessions.touch(sessionId, Date.now());
    } else {
      this.secretSync.servingAsLearner();
      server.pipeline.forwardWritesTo((request) => this.forward(request));
      server.pipeline.routeSyncsThrough(() => this.forwardSync());
    }
    this.zxidFloor = makeZxid(epoch, 0n);
    this.ownsWrites = leading;
    server.startServing();
    this.elections.served(epoch, this.peer.leaderId);
    this.logger.info(`Serving as ${roleNames[this.peer.state]} in epoch ${epoch}`);
  }

  private stopServing(reason: string): void {
    if (!this.server.isServing) return;
    this.logger.info(`Stopped serving clients: ${reason}`);
    this.server.stopServing();
    this.server.closeAllConnections();
    this.server.pipeline.reset();
    this.memberSessions.forgetRevalidations();
  }

  private changeState(state: string, leader: number | null, reason?: string): void {
    this.stopServing(reason ?? `now ${state}`);
    this.secretSync.stateChanged(state);
    clearTimeout(this.readOnlyTimer);
    if (state === 'looking' && this.config.readOnlyModeEnabled) this.scheduleReadOnlyMode();
    if (state === 'looking') this.elections.started(reason);
    else this.elections.decided(leader);
    this.logger.info(`State ${state}${leader !== null ? ` (leader ${leader})` : ''}${reason ? `: ${reason}` : ''}`);
  }

  /**
   * ZooKeeper starts its read-only server after a grace period of max(2 s, tickTime) spent looking; leaving
   * LOOKING shuts it down again, closing its connections so clients find a read-write member.
   */
  private scheduleReadOnlyMode(): void {
    this.readOnlyTimer = setTimeout(() => {
      if (this.stopped || this.peer.state !== 'looking' || this.server.isServing) return;
      this.server.pipeline.forwardWritesTo(undefined);
      this.server.pipeline.routeSyncsThrough(undefined);
      this.server.startServingReadOnly();
    }, Math.max(2000, this.config.tickTime));
  }

  private forward(request: WriteRequest): void {
    const { data, authinfo } = encodeForwardedRequest(request);
    if (!this.executor.forwardRequest(data, authinfo)) this.stopServing('the leader link is not ready for requests');
  }

  private forwardSync(): void {
    const request: WriteRequest = { sessionId: 0n, cxid: 0, type: OpCode.sync, body: { path: '/' }, authInfo: [] };
    this.forward(request);
  }

  private receiveForwarded(from: number, data: Buffer, authInfo: Id[]): void {
    let request: WriteRequest;
    try {
      request = decodeForwardedRequest(data, authInfo);
    } catch (error) {
      this.logger.warn(`malformed request forwarded by ${from}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (request.type === OpCode.sync) {
      this.executor.sync(from);
      return;
    }
    // The owner is the link it came by, as ZooKeeper's LearnerHandler stamps it; a session created there is owned there.
    request.owner = from;
    if (request.type === OpCode.createSession) this.memberSessions.ownedBy(request.sessionId, from);
    this.server.pipeline.submitRemote(request);
  }

  // ---- what users see ----

  /** /zookeeper/config holds the membership on every member, as ZooKeeper's initConfigInZKDatabase writes it. */
  private publishConfig(): void {
    this.server.database.tree.setData('/zookeeper/config', this.configData, -1, 0n, BigInt(Date.now()));
  }

  /** The admin endpoint the GUI charts: state, vote, epochs, zxids and the history of elections. */
  electionState(): JsonObject {
    const peer = this.peer;
    return {
      myid: this.myId,
      state: (peer?.state ?? 'looking').toUpperCase(),
      serving: this.server.isServing,
      leader_id: peer?.leaderId ?? null,
      election_round: String(peer?.electionRound ?? 0n),
      accepted_epoch: String(peer?.acceptedEpoch ?? 0n),
      current_epoch: String(peer?.currentEpoch ?? 0n),
      last_logged_zxid: zxidHex(peer?.lastLoggedZxid ?? 0n),
      last_applied_zxid: zxidHex(this.server.database.lastProcessedZxid),
      elections: this.elections.records().map((record) => ({ ...record })),
    };
  }
}
