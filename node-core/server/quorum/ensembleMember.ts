// One member of a replicated ensemble, as Apache ZooKeeper's QuorumPeerMain runs it: the pure consensus core
// (node-core/consensus) driven by real election and quorum links, a real transaction log and epoch files, and a
// ZooKeeperServer that serves clients only while the core says this member is part of an established quorum.
import { join } from 'node:path';
import type { Logger } from '../../log/logger.js';
import { renderServerSpec, type ZooConfig } from '../config/zooCfg.js';
import { ZooKeeperServer } from '../zooKeeperServer.js';
import { attachFourLetterWords, startAdminServer } from '../serverIntrospection.js';
import type { AdminServer, JsonObject } from '../adminServer.js';
import type { CommitPath } from '../commitPath.js';
import { ElectionLinks, type PeerAddress } from './electionLinks.js';
import { QuorumLinks } from './quorumLinks.js';
import {
  encodeForwardedRequest,
  decodeForwardedRequest,
  encodeSessionTouches,
  decodeSessionTouches,
  encodeRevalidation,
  decodeRevalidation,
  encodeRevalidationAnswer,
  decodeRevalidationAnswer,
} from './forwardedRequest.js';
import { ElectionHistory } from './electionHistory.js';
import { QuorumPeer, type PeerAction, type DiskAction, type Txn } from '../../consensus/index.js';
import { epochOf, makeZxid, zxidHex } from '../../consensus/zxid.js';
import { fromWireNotification, toWireNotification } from '../../consensus/notificationWire.js';
import { readEpochFile, writeEpochFile, ACCEPTED_EPOCH_FILE, CURRENT_EPOCH_FILE } from '../../storage/index.js';
import { decodeTxnEntry } from '../../txn/txnRecords.js';
import { deserializeSnapshot, serializeSnapshot } from '../../tree/snapshotCodec.js';
import { ErrorCode, OpCode } from '../../protocol/index.js';
import { QuorumPacketType, type QuorumPacket } from '../../protocol/quorumPackets.js';
import type { WriteRequest } from '../../txn/prepRequest.js';
import type { ServerState } from '../introspection.js';
import type { ConfigChange } from '../../consensus/quorumConfig.js';
import { configChangeOfEntry } from '../../txn/reconfigTxn.js';
import { adoptStoredMembership, activateMembership } from './reconfigMembership.js';

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
  private election!: ElectionLinks;
  private quorum!: QuorumLinks;
  private admin: AdminServer | undefined;
  private readonly commitPath = new QuorumCommitPath(this);
  private readonly myId: number;
  private configData: Buffer;
  /** The links' peer lists, kept so an activated reconfig can change them in place. */
  private readonly electionPeers: PeerAddress[] = [];
  private readonly quorumPeers: PeerAddress[] = [];
  private readonly versionDir: string;
  /** Logged transactions not yet applied, in zxid order: commits apply from here. */
  private unapplied: Txn[] = [];
  private actionQueue: PeerAction[] = [];
  private draining = false;
  private tickTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private readOnlyTimer: NodeJS.Timeout | undefined;
  private diskTail: Promise<void> = Promise.resolve();
  private diskBarrier: Promise<void> = Promise.resolve();
  private stopped = false;
  private readonly touchedSessions = new Set<bigint>();
  /**
   * Leader: the member each global session's client is connected to (ZooKeeper's session owner), set by
   * REVALIDATE and by a session's first write; a write from any other member is SessionMoved.
   */
  private readonly sessionOwners = new Map<bigint, number>();
  /** Learner: reconnects waiting for the leader's REVALIDATE answer, by session. */
  private readonly revalidations = new Map<bigint, ((valid: boolean) => void)[]>();
  readonly elections = new ElectionHistory();

  constructor(
    private readonly config: ZooConfig,
    private readonly logger: Logger,
  ) {
    if (config.myid === undefined) throw new Error('an ensemble member needs a myid file in its dataDir');
    this.myId = config.myid;
    // A reconfig this member saw before it stopped overrides the static server.N lines.
    const stored = config.reconfigEnabled ? adoptStoredMembership(config, logger) : null;
    this.server = new ZooKeeperServer(config, logger, this.myId);
    // QuorumVerifier.toString(): the membership as /zookeeper/config shows it and NEWLEADER carries it.
    this.configData =
      stored ?? Buffer.from(`${config.servers.map((s) => `server.${s.id}=${renderServerSpec(s)}`).join('\n')}\nversion=0`);
    this.versionDir = join(config.dataDir, 'version-2');
  }

  private get me() {
    return this.config.servers.find((s) => s.id === this.myId)!;
  }

  private peers(port: 'quorumPort' | 'electionPort'): PeerAddress[] {
    return this.config.servers.filter((s) => s.id !== this.myId).map((s) => ({ sid: s.id, host: s.host, port: s[port] }));
  }

  async start(): Promise<void> {
    const view = attachFourLetterWords(this.server);
    view.stateView = () => roleNames[this.peer?.state ?? 'looking'] ?? 'looking';
    view.quorumView = () => this.quorumView();
    await this.server.open(this.commitPath, false);
    this.server.reapsContainers = false;
    this.server.expiresSessions = false;
    this.server.onSessionTouched = (sessionId) => this.touchedSessions.add(sessionId);
    this.server.quorumSyncedCheck = (voters) => this.peer.isQuorumSynced(voters);
    this.server.sessionOwnerCheck = (sessionId, owner) => this.checkSessionOwner(sessionId, owner);
    this.server.revalidateSession = (sessionId, timeout, done) => this.revalidateSession(sessionId, timeout, done);

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
    const me = this.me;
    this.election = new ElectionLinks({
      myId: this.myId,
      listen: { host: this.config.quorumListenOnAllIPs ? '0.0.0.0' : me.host, port: me.electionPort },
      peers: Object.assign(this.electionPeers, this.peers('electionPort')),
      acceptUnknownPeers: this.config.reconfigEnabled,
      logger: this.logger.child('election'),
      onNotification: (from, message) => {
        const notification = fromWireNotification(message);
        if (notification) this.run(this.peer.receiveNotification(from, notification, Date.now()));
      },
    });
    this.quorum = new QuorumLinks({
      myId: this.myId,
      listen: { host: this.config.quorumListenOnAllIPs ? '0.0.0.0' : me.host, port: me.quorumPort },
      peers: Object.assign(this.quorumPeers, this.peers('quorumPort')),
      acceptUnknownPeers: this.config.reconfigEnabled,
      logger: this.logger.child('quorum'),
      onPacket: (from, packet) => this.receivePacket(from, packet),
      onLinkClosed: (peer) => this.run(this.peer.linkClosed(peer, Date.now())),
    });
    await this.election.start();
    await this.quorum.start();
    await this.server.listen();
    this.admin = await startAdminServer(this.server);
    this.admin?.registerCommand('election', () => this.electionState(), { serverRequired: false });
    this.pingTimer = setInterval(() => this.reportSessionTouches(), Math.max(50, Math.floor(this.config.tickTime / 2)));
    this.logger.info(
      `Ensemble member ${this.myId} starting: voters ${voters.join(',')}${observers.length ? `, observers ${observers.join(',')}` : ''}, ` +
        `last logged zxid ${zxidHex(lastLogged)}, acceptedEpoch ${acceptedEpoch}, currentEpoch ${currentEpoch}`,
    );
    this.run(
      this.peer.start(Date.now(), {
        acceptedEpoch,
        currentEpoch,
        appliedZxid: database.lastProcessedZxid,
        logTail: this.unapplied,
      }),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.tickTimer);
    clearInterval(this.pingTimer);
    clearTimeout(this.readOnlyTimer);
    await this.admin?.stop();
    await this.election?.stop();
    await this.quorum?.stop();
    await this.diskTail.catch(() => undefined);
    await this.server.stop();
  }

  // ---- driving the core ----

  /** Runs actions in the order the core emitted them; actions caused while running queue behind, never jump ahead. */
  private run(actions: PeerAction[]): void {
    if (this.stopped) return;
    this.actionQueue.push(...actions);
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.actionQueue.length > 0) this.execute(this.actionQueue.shift()!);
    } finally {
      this.draining = false;
    }
    this.scheduleTick();
  }

  private scheduleTick(): void {
    clearTimeout(this.tickTimer);
    const deadline = this.peer.nextDeadline();
    if (deadline === null || this.stopped) return;
    this.tickTimer = setTimeout(() => this.run(this.peer.tick(Date.now())), Math.max(0, deadline - Date.now()));
  }

  private receivePacket(from: number, packet: QuorumPacket): void {
    this.run(this.peer.receivePacket(from, packet, Date.now()));
  }

  private execute(action: PeerAction): void {
    switch (action.kind) {
      case 'sendNotification':
        this.election.send(action.to, toWireNotification(action.notification, this.configData));
        return;
      case 'sendPacket':
        this.quorum.send(action.to, action.packet);
        return;
      case 'connectToLeader':
        this.quorum.connectToLeader(action.leader);
        return;
      case 'closeLink':
        this.quorum.close(action.peer);
        return;
      case 'sendSnapshot':
        this.sendSnapshot(action.to, action.zxid);
        return;
      case 'commit':
        this.applyThrough(action.zxid);
        return;
      case 'serving':
        this.becomeServing(action.epoch);
        return;
      case 'leaderReceivedRequest':
        this.receiveForwarded(action.from, action.data);
        return;
      case 'learnerPing':
        for (const sessionId of decodeSessionTouches(action.data)) this.server.sessions.touch(sessionId, Date.now());
        return;
      case 'revalidateSession':
        this.answerRevalidation(action.from, action.data);
        return;
      case 'sessionRevalidated':
        this.sessionRevalidated(action.data);
        return;
      case 'syncDone':
        this.server.pipeline.completeSync();
        return;
      case 'state':
        this.changeState(action.state, action.leader, action.reason);
        return;
      case 'configActivated':
        this.activateConfig(action.change);
        return;
      default:
        this.disk(action);
    }
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
      if (action.kind === 'installSnapshot') this.installSnapshotInMemory(action.zxid, action.snapshot, action.txns);
      if (action.kind === 'truncateLog') this.unapplied = this.unapplied.filter((t) => t.zxid <= action.zxid);
      this.diskTail = this.diskTail.then(() => this.performDisk(action));
      this.diskBarrier = this.diskTail;
    }
    this.diskTail.then(
      () => this.run(this.peer.diskDone(action.ticket, Date.now())),
      (error: unknown) => this.diskFailed(error),
    );
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
        // Entries after the snapshot are not in the leader's history at that point, so they go first; then the
        // snapshot (atomically renamed into place) supersedes everything before it; then the txns that follow it.
        await database.log.truncateAfter(action.zxid < database.log.lastZxid() ? action.zxid : database.log.lastZxid());
        database.log.roll();
        await database.snapshots.writeSnapshot(action.zxid, action.snapshot);
        await Promise.all(action.txns.filter((t) => t.zxid > database.log.lastZxid()).map((t) => database.log.append(t.data)));
        return;
    }
  }

  private diskFailed(error: unknown): void {
    // A lost write must not be acknowledged: stop this member; it restarts from what is durable.
    this.logger.error(`Disk failure, stopping this member: ${error instanceof Error ? error.message : String(error)}`);
    void this.stop().finally(() => process.exit(3));
  }

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

  private installSnapshotInMemory(zxid: bigint, snapshot: Buffer, txns: readonly Txn[]): void {
    const restored = deserializeSnapshot(snapshot);
    restored.tree.lastProcessedZxid = zxid;
    this.server.database.replaceState(restored.tree, restored.sessions);
    this.server.sessions.clearAll();
    for (const [sessionId, timeout] of restored.sessions) this.server.sessions.add(sessionId, timeout, Date.now());
    this.publishConfig();
    this.server.attachPipeline(this.commitPath);
    this.unapplied = txns.filter((t) => t.zxid > zxid);
    this.logger.info(`Installed the leader's snapshot at ${zxidHex(zxid)} (${restored.tree.nodeCount} znodes)`);
  }

  private sendSnapshot(to: number, zxid: bigint): void {
    const database = this.server.database;
    if (database.lastProcessedZxid !== zxid) {
      this.logger.warn(`snapshot for ${to} asked at ${zxidHex(zxid)} but state is at ${zxidHex(database.lastProcessedZxid)}`);
    }
    const body = Buffer.concat([...serializeSnapshot(database.tree, new Map(database.sessions))]);
    this.quorum.send(to, { type: QuorumPacketType.SNAP, zxid, data: body, authinfo: [] });
  }

  // ---- serving ----

  /** The pipeline asked to propose a prepared write (leader only). */
  propose(zxid: bigint, entryBytes: Buffer): void {
    const { zxid: proposed, actions } = this.peer.propose(entryBytes, zxid, Date.now());
    if (proposed === null) {
      this.logger.warn(`could not propose ${zxidHex(zxid)}: not leading an established quorum`);
      this.stopServing('lost leadership while proposing');
    }
    this.run(actions);
  }

  private becomeServing(epoch: bigint): void {
    const server = this.server;
    server.attachPipeline(this.commitPath);
    const leading = this.peer.state === 'leading';
    if (leading) {
      server.pipeline.setLastProposedZxid(makeZxid(epoch, 0n));
      server.pipeline.routeSyncsThrough(() => this.run(this.peer.sync(null)));
      // A new leader knows no owners: each session's next REVALIDATE or write names it, as in ZooKeeper.
      this.sessionOwners.clear();
      // Sessions known from the transactions get a full timeout from now, as ZooKeeper's new leader gives them.
      for (const sessionId of server.database.sessions.keys()) server.sessions.touch(sessionId, Date.now());
    } else {
      server.pipeline.forwardWritesTo((request) => this.forward(request));
      server.pipeline.routeSyncsThrough(() => this.forwardSync());
    }
    server.zxidFloor = makeZxid(epoch, 0n);
    server.reapsContainers = leading;
    server.expiresSessions = leading;
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
    this.revalidations.clear();
  }

  private changeState(state: string, leader: number | null, reason?: string): void {
    this.stopServing(reason ?? `now ${state}`);
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
    const { accepted, actions } = this.peer.forwardRequest(encodeForwardedRequest(request));
    this.run(actions);
    if (!accepted) this.stopServing('the leader link is not ready for requests');
  }

  private forwardSync(): void {
    const request: WriteRequest = { sessionId: 0n, cxid: 0, type: OpCode.sync, body: { path: '/' }, authInfo: [] };
    this.forward(request);
  }

  private receiveForwarded(from: number, data: Buffer): void {
    let request: WriteRequest;
    try {
      request = decodeForwardedRequest(data);
    } catch (error) {
      this.logger.warn(`malformed request forwarded by ${from}: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    if (request.type === OpCode.sync) {
      this.run(this.peer.sync(from));
      return;
    }
    // The owner is the link it came by, as ZooKeeper's LearnerHandler stamps it; a session created there is owned there.
    request.owner = from;
    if (request.type === OpCode.createSession) this.sessionOwners.set(request.sessionId, from);
    this.server.pipeline.submitRemote(request);
  }

  // ---- session owners (ZooKeeper's SessionTracker.checkSession(id, owner) and REVALIDATE) ----

  /** Leader: `owner` unset is a connection on this member. A session with no owner yet takes the first one. */
  private checkSessionOwner(sessionId: bigint, owner: number | undefined): number {
    if (this.peer?.state !== 'leading') return ErrorCode.ok;
    const writer = owner ?? this.myId;
    const current = this.sessionOwners.get(sessionId);
    if (current === undefined) this.sessionOwners.set(sessionId, writer);
    else if (current !== writer) return ErrorCode.sessionMoved;
    return ErrorCode.ok;
  }

  /** A client re-attached a session here: the leader takes note at once; a learner asks its leader first. */
  private revalidateSession(sessionId: bigint, timeout: number, done: (valid: boolean) => void): void {
    if (this.peer.state === 'leading') {
      this.sessionOwners.set(sessionId, this.myId);
      done(true);
      return;
    }
    const waiting = this.revalidations.get(sessionId);
    if (waiting !== undefined) {
      waiting.push(done);
      return;
    }
    this.revalidations.set(sessionId, [done]);
    const { accepted, actions } = this.peer.revalidateSession(encodeRevalidation(sessionId, timeout));
    this.run(actions);
    if (!accepted) this.stopServing('the leader link is not ready to revalidate sessions');
  }

  /** Leader: a learner's client re-attached `sessionId` there; if the session lives, that learner now owns it. */
  private answerRevalidation(from: number, data: Buffer): void {
    let sessionId: bigint;
    try {
      sessionId = decodeRevalidation(data).sessionId;
    } catch {
      this.logger.warn(`malformed REVALIDATE from ${from}`);
      return;
    }
    const session = this.server.sessions.get(sessionId);
    const valid = session !== undefined && !session.closing;
    if (valid) {
      this.server.sessions.touch(sessionId, Date.now());
      this.sessionOwners.set(sessionId, from);
    }
    this.logger.debug(`Session 0x${sessionId.toString(16)} revalidated by ${from}: ${valid ? 'valid' : 'invalid'}`);
    this.run(this.peer.answerRevalidation(from, encodeRevalidationAnswer(sessionId, valid)));
  }

  private sessionRevalidated(data: Buffer): void {
    let answer: { sessionId: bigint; valid: boolean };
    try {
      answer = decodeRevalidationAnswer(data);
    } catch {
      this.logger.warn('malformed REVALIDATE answer from the leader');
      return;
    }
    const waiting = this.revalidations.get(answer.sessionId) ?? [];
    this.revalidations.delete(answer.sessionId);
    for (const done of waiting) done(answer.valid);
  }

  private reportSessionTouches(): void {
    for (const sessionId of this.sessionOwners.keys()) if (!this.server.sessions.has(sessionId)) this.sessionOwners.delete(sessionId);
    if (this.touchedSessions.size === 0 || this.peer?.state === 'leading') {
      this.touchedSessions.clear();
      return;
    }
    const touches = [...this.touchedSessions].map((id) => ({ sessionId: id, timeout: this.server.sessions.get(id)?.timeout ?? 0 }));
    this.touchedSessions.clear();
    this.peer.setPingPayload(encodeSessionTouches(touches));
  }

  // ---- what users see ----

  /** /zookeeper/config holds the membership on every member, as ZooKeeper's initConfigInZKDatabase writes it. */
  private publishConfig(): void {
    this.server.database.tree.setData('/zookeeper/config', this.configData, -1, 0n, BigInt(Date.now()));
  }

  private quorumView() {
    const me = this.me;
    const leading = this.peer?.state === 'leading';
    const leaderSpec = this.config.servers.find((s) => s.id === this.peer?.leaderId);
    const voters = this.config.servers.filter((s) => s.role === 'participant');
    return {
      myid: this.myId,
      isLeader: leading,
      leaderId: this.peer?.leaderId ?? -1,
      leaderAddress: leaderSpec ? `${leaderSpec.host}:${leaderSpec.quorumPort}` : null,
      peerState: `${this.peer?.state ?? 'looking'} - ${this.server.isServing ? 'broadcast' : 'election'}`,
      zabState: this.server.isServing ? ('broadcast' as const) : ('election' as const),
      voting: me.role === 'participant',
      quorumAddress: `${me.host}:${me.quorumPort}`,
      electionAddress: `${me.host}:${me.electionPort}`,
      clientAddress: `${this.config.clientPortAddress ?? '0.0.0.0'}:${this.config.clientPort ?? 0}`,
      votingView: voters.map((s) => ({
        id: s.id,
        serverAddresses: [`${s.host}:${s.quorumPort}`],
        electionAddresses: [`${s.host}:${s.electionPort}`],
        clientAddress: `${s.clientHost ?? s.host}:${s.clientPort ?? 0}`,
        learnerType: s.role,
      })),
      quorumSize: voters.length,
      leader: leading
        ? {
            learners: this.config.servers.length - 1,
            syncedFollowers: this.syncedLearners('participant'),
            syncedNonVotingFollowers: 0,
            syncedObservers: this.syncedLearners('observer'),
            pendingSyncs: 0,
            leaderUptime: this.server.startedAt ? Date.now() - this.server.startedAt : 0,
            lastProposalSize: 0,
            minProposalSize: 0,
            maxProposalSize: 0,
          }
        : undefined,
      observers: [],
    };
  }

  private syncedLearners(role: 'participant' | 'observer'): number {
    const synced = new Set(this.peer.leader?.syncedLearners ?? []);
    return this.config.servers.filter((s) => s.role === role && synced.has(s.id)).length;
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
