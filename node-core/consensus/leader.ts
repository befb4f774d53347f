// The leader of one epoch (ZooKeeper's Leader and LearnerHandler): discovery picks a new epoch from a quorum's
// accepted epochs, synchronisation brings each learner to the leader's history and waits for a quorum to
// acknowledge NEWLEADER (only then is that history committed), broadcast proposes, collects ACKs and commits in
// zxid order. It steps down, and the member returns to election, whenever it cannot count on a quorum.
import {
  QuorumPacketType as T,
  decodeInt32,
  decodeLearnerInfo,
  encodeInt32,
  quorumPacket,
  quorumPacketTypeName,
  zabProtocolVersion,
  type QuorumPacket,
} from '../protocol/quorumPackets.js';
import type { Txn } from './history.js';
import { planLearnerSync } from './learnerSync.js';
import { isQuorum } from './quorum.js';
import type { ZabContext } from './zabContext.js';
import { counterExhausted, counterOf, epochOf, makeZxid, zxidHex } from './zxid.js';

export type LeaderPhase = 'discovery' | 'persistingAcceptedEpoch' | 'epochAck' | 'newLeader' | 'broadcast';

type HandlePhase = 'info' | 'leaderInfoSent' | 'epochAcked' | 'awaitingNewLeaderAck' | 'newLeaderAcked' | 'broadcast';

interface LearnerHandle {
  sid: number;
  observer: boolean;
  phase: HandlePhase;
  peerLastZxid: bigint;
  lastHeard: number;
  /**
   * A SNAP is still being written to it: the learner cannot answer until it has read it, so its silence is not
   * counted; the shell reports the end (snapshotSent), as ZooKeeper's LearnerHandler starts its read timeout then.
   */
  snapshotInFlight: boolean;
  /** COMMITs held from NEWLEADER to UPTODATE: ZooKeeper 3.8.0's learner dies on them (NPE in syncWithLeader). */
  heldCommits: QuorumPacket[];
}

interface Proposal {
  txn: Txn;
  ticket: number;
  acks: Set<number>;
  /** Each voter set must ack: the one in force, plus a proposed reconfig's new one until it commits. */
  quorums: (readonly number[])[];
  /** A reconfig: committing it activates a new membership (COMMITANDACTIVATE / INFORMANDACTIVATE). */
  reconfig: boolean;
}

interface PendingSync {
  /** Answer once this zxid is committed. */
  zxid: bigint;
  /** The learner that asked, or null for a sync of the leader's own clients. */
  from: number | null;
}

export interface StateSummary {
  currentEpoch: bigint;
  lastZxid: bigint;
}

function isMoreRecent(a: StateSummary, b: StateSummary): boolean {
  return a.currentEpoch > b.currentEpoch || (a.currentEpoch === b.currentEpoch && a.lastZxid > b.lastZxid);
}

export class Leader {
  phase: LeaderPhase = 'discovery';
  /** Set when this leader steps down; the member then goes back to election. */
  failure: string | null = null;
  /** The epoch being established; -1 until a quorum of learners has reported its accepted epoch. */
  epoch = -1n;

  private readonly handles = new Map<number, LearnerHandle>();
  private readonly connecting = new Set<number>();
  private readonly electing = new Set<number>();
  private readonly newLeaderAcks = new Set<number>();
  private proposedEpoch = -1n;
  private phaseDeadline: number;
  private waitTicket = 0;
  private selfAckTicket = -1;
  /** The leader's history when elected; committed once a quorum acknowledges NEWLEADER. */
  private readonly initialHistoryEnd: bigint;
  private readonly summary: StateSummary;

  private lastProposed = 0n;
  private readonly outstanding: Proposal[] = [];
  private readonly pendingSyncs: PendingSync[] = [];
  /** The voters of a proposed, uncommitted reconfig: proposals from it on need their quorum as well. */
  private proposedVoters: readonly number[] | null = null;
  private nextPingAt = 0;
  private nextQuorumCheckAt = 0;

  constructor(
    private readonly ctx: ZabContext,
    now: number,
  ) {
    this.initialHistoryEnd = ctx.history.lastZxid;
    this.summary = { currentEpoch: ctx.currentEpoch, lastZxid: ctx.history.lastZxid };
    this.phaseDeadline = now + this.initWindow;
  }

  private get initWindow(): number {
    return this.ctx.timings.initLimit * this.ctx.timings.tickTime;
  }

  get isEstablished(): boolean {
    return this.phase === 'broadcast';
  }

  get lastProposedZxid(): bigint {
    return this.lastProposed;
  }

  get lastCommittedZxid(): bigint {
    return this.ctx.history.applied;
  }

  /** Sids of the learners currently synced and following (for 4lw/admin views and tests). */
  get syncedLearners(): number[] {
    return [...this.handles.values()].filter((h) => h.phase === 'broadcast').map((h) => h.sid);
  }

  start(now: number): void {
    this.onLearnerInfo(this.ctx.myId, this.ctx.acceptedEpoch, false, now);
  }

  // ---- inputs ----

  receive(from: number, packet: QuorumPacket, now: number): void {
    if (this.failure !== null) return;
    if (packet.type === T.FOLLOWERINFO || packet.type === T.OBSERVERINFO) {
      this.acceptLearner(from, packet, now);
      return;
    }
    const handle = this.handles.get(from);
    if (handle === undefined) {
      this.ctx.emit({ kind: 'closeLink', peer: from });
      return;
    }
    handle.lastHeard = now;
    try {
      this.dispatch(handle, packet, now);
    } catch (error) {
      this.dropLearner(handle.sid, `protocol error on ${quorumPacketTypeName(packet.type)}: ${(error as Error).message}`);
    }
  }

  /** The shell has written the whole SNAP to `sid`: from now on it has initLimit to acknowledge NEWLEADER. */
  snapshotSent(sid: number, now: number): void {
    const handle = this.handles.get(sid);
    if (handle === undefined || !handle.snapshotInFlight) return;
    handle.snapshotInFlight = false;
    handle.lastHeard = now;
  }

  linkClosed(sid: number): void {
    this.handles.delete(sid);
    for (let i = this.pendingSyncs.length - 1; i >= 0; i--) if (this.pendingSyncs[i]!.from === sid) this.pendingSyncs.splice(i, 1);
  }

  diskProgress(now: number): void {
    if (this.failure !== null) return;
    if (this.phase === 'persistingAcceptedEpoch' && this.ctx.disk.isDurable(this.waitTicket)) {
      this.phase = 'epochAck';
      this.phaseDeadline = now + this.initWindow;
      for (const handle of this.handles.values()) if (handle.phase === 'info') this.sendLeaderInfo(handle);
      this.onEpochAck(this.ctx.myId, this.summary, false, now);
    }
    if (this.selfAckTicket >= 0 && this.ctx.disk.isDurable(this.selfAckTicket)) {
      // Our own NEWLEADER ack: currentEpoch and the whole log we lead with are durable.
      this.selfAckTicket = -1;
      this.onNewLeaderAck(this.ctx.myId, now);
    }
    if (this.phase === 'broadcast') {
      for (const proposal of this.outstanding) {
        if (this.ctx.disk.isDurable(proposal.ticket)) proposal.acks.add(this.ctx.myId);
      }
      this.tryCommit();
    }
  }

  tick(now: number): void {
    if (this.failure !== null) return;
    if (this.phase !== 'broadcast') {
      if (now >= this.phaseDeadline) {
        this.fail(`timed out in ${this.phase} (initLimit) waiting for a quorum`);
        return;
      }
    } else if (now >= this.nextQuorumCheckAt) {
      this.nextQuorumCheckAt = now + this.ctx.timings.tickTime;
      const window = this.ctx.timings.syncLimit * this.ctx.timings.tickTime;
      const alive = [this.ctx.myId];
      for (const handle of this.handles.values()) if (now - handle.lastHeard <= window) alive.push(handle.sid);
      if (!isQuorum(alive, this.ctx.voters)) {
        this.fail(`not sufficient followers synced, only [${alive.join(',')}]`);
        return;
      }
    }
    for (const handle of [...this.handles.values()]) {
      if (handle.snapshotInFlight) continue;
      const synced = handle.phase === 'newLeaderAcked' || handle.phase === 'broadcast';
      const limit = (synced ? this.ctx.timings.syncLimit : this.ctx.timings.initLimit) * this.ctx.timings.tickTime;
      if (now - handle.lastHeard > limit) this.dropLearner(handle.sid, `silent for ${now - handle.lastHeard} ms`);
    }
    if (now >= this.nextPingAt) {
      this.nextPingAt = now + Math.max(1, Math.floor(this.ctx.timings.tickTime / 2));
      for (const handle of this.handles.values()) {
        if (handle.phase === 'newLeaderAcked' || handle.phase === 'broadcast') {
          this.send(handle.sid, quorumPacket(T.PING, this.lastProposed));
        }
      }
    }
  }

  nextDeadline(): number | null {
    if (this.failure !== null) return null;
    let next = this.nextPingAt;
    if (this.phase !== 'broadcast') next = Math.min(next, this.phaseDeadline);
    else next = Math.min(next, this.nextQuorumCheckAt);
    const { tickTime, initLimit, syncLimit } = this.ctx.timings;
    for (const handle of this.handles.values()) {
      if (handle.snapshotInFlight) continue;
      const synced = handle.phase === 'newLeaderAcked' || handle.phase === 'broadcast';
      next = Math.min(next, handle.lastHeard + (synced ? syncLimit : initLimit) * tickTime + 1);
    }
    return next;
  }

  /**
   * Proposes one transaction; returns its zxid, or null when this leader cannot (not established, or the counter
   * would roll over, which forces a new epoch). `expectedZxid` lets a shell that stamped the zxid into the txn
   * bytes check it.
   */
  propose(data: Buffer, expectedZxid?: bigint): bigint | null {
    if (this.failure !== null || this.phase !== 'broadcast') return null;
    const zxid = this.lastProposed + 1n;
    if (counterExhausted(zxid)) {
      this.fail('zxid lower 32 bits have rolled over, forcing re-election, and therefore new epoch start');
      return null;
    }
    if (expectedZxid !== undefined && expectedZxid !== zxid) {
      throw new Error(`proposal stamped ${zxidHex(expectedZxid)} but the next zxid is ${zxidHex(zxid)}`);
    }
    this.lastProposed = zxid;
    const txn: Txn = { zxid, data };
    const ticket = this.ctx.disk.issue();
    this.ctx.emit({ kind: 'logTxns', txns: [txn], ticket });
    this.ctx.history.append(txn);
    const change = this.ctx.configChangeOf?.(data) ?? null;
    if (change !== null) this.proposedVoters = change.voters;
    const quorums = this.proposedVoters === null ? [this.ctx.voters] : [this.ctx.voters, this.proposedVoters];
    this.outstanding.push({ txn, ticket, acks: new Set(), quorums, reconfig: change !== null });
    const packet = quorumPacket(T.PROPOSAL, zxid, data);
    for (const handle of this.handles.values()) if (this.isForwarding(handle) && !handle.observer) this.send(handle.sid, packet);
    return zxid;
  }

  /** The next zxid `propose` will use (so the shell can stamp txn headers); null when not established. */
  nextZxid(): bigint | null {
    return this.phase === 'broadcast' ? this.lastProposed + 1n : null;
  }

  /** A sync request: answered once everything proposed so far is committed. `from` null: the leader's own client. */
  sync(from: number | null): void {
    if (this.phase !== 'broadcast') return;
    if (this.outstanding.length === 0) this.answerSync(from);
    else this.pendingSyncs.push({ zxid: this.lastProposed, from });
  }

  /** The shell's answer to a learner's REVALIDATE; dropped when that learner has gone meanwhile. */
  answerRevalidation(to: number, data: Buffer): void {
    if (this.failure !== null || !this.handles.has(to)) return;
    this.send(to, quorumPacket(T.REVALIDATE, -1n, data));
  }

  /** Steps down: closes every learner link. */
  stop(): void {
    for (const sid of this.handles.keys()) this.ctx.emit({ kind: 'closeLink', peer: sid });
    this.handles.clear();
  }

  // ---- discovery ----

  private acceptLearner(from: number, packet: QuorumPacket, now: number): void {
    if (from === this.ctx.myId) return;
    let sid = from;
    if (packet.data !== null && packet.data.length >= 8) {
      const info = decodeLearnerInfo(packet.data);
      sid = Number(info.serverid);
    }
    if (sid !== from) {
      this.ctx.emit({ kind: 'closeLink', peer: from });
      return;
    }
    const observer = packet.type === T.OBSERVERINFO;
    this.handles.set(sid, { sid, observer, phase: 'info', peerLastZxid: -1n, lastHeard: now, snapshotInFlight: false, heldCommits: [] });
    this.onLearnerInfo(sid, epochOf(packet.zxid), observer, now);
  }

  /** getEpochToPropose: the new epoch exceeds every accepted epoch heard while a quorum gathers. */
  private onLearnerInfo(sid: number, acceptedEpoch: bigint, observer: boolean, now: number): void {
    if (this.phase === 'discovery') {
      if (acceptedEpoch >= this.proposedEpoch) this.proposedEpoch = acceptedEpoch + 1n;
      if (!observer) this.connecting.add(sid);
      if (this.connecting.has(this.ctx.myId) && isQuorum(this.connecting, this.ctx.voters)) {
        this.epoch = this.proposedEpoch;
        this.ctx.acceptedEpoch = this.epoch;
        this.waitTicket = this.ctx.disk.issue();
        this.ctx.emit({ kind: 'persistAcceptedEpoch', epoch: this.epoch, ticket: this.waitTicket });
        this.phase = 'persistingAcceptedEpoch';
        this.diskProgress(now);
      }
      return;
    }
    if (acceptedEpoch > this.epoch) {
      // The learner promised a later epoch (to a leader that never established) and can never follow ours.
      // ZooKeeper keeps refusing it forever; stepping down lets the next election pick an epoch it can accept.
      this.fail(`learner ${sid} has accepted epoch ${acceptedEpoch}, beyond ours (${this.epoch})`);
      return;
    }
    const handle = this.handles.get(sid);
    if (handle !== undefined && this.phase !== 'persistingAcceptedEpoch') this.sendLeaderInfo(handle);
  }

  private sendLeaderInfo(handle: LearnerHandle): void {
    handle.phase = 'leaderInfoSent';
    this.send(handle.sid, quorumPacket(T.LEADERINFO, makeZxid(this.epoch, 0n), encodeInt32(zabProtocolVersion)));
  }

  private dispatch(handle: LearnerHandle, packet: QuorumPacket, now: number): void {
    switch (packet.type) {
      case T.ACKEPOCH: {
        if (handle.phase !== 'leaderInfoSent') throw new Error(`ACKEPOCH while ${handle.phase}`);
        const currentEpoch = BigInt(decodeInt32(packet.data));
        handle.peerLastZxid = packet.zxid;
        handle.phase = 'epochAcked';
        this.onEpochAck(handle.sid, { currentEpoch, lastZxid: packet.zxid }, handle.observer, now);
        const established = this.phase === 'newLeader' || this.phase === 'broadcast';
        if (this.failure === null && established && handle.phase === 'epochAcked') this.syncLearner(handle);
        return;
      }
      case T.ACK:
        if (handle.phase === 'awaitingNewLeaderAck') {
          if (packet.zxid !== makeZxid(this.epoch, 0n)) throw new Error(`NEWLEADER ACK for ${zxidHex(packet.zxid)}`);
          handle.phase = 'newLeaderAcked';
          if (!handle.observer) this.onNewLeaderAck(handle.sid, now);
          if (this.phase === 'broadcast' && handle.phase === 'newLeaderAcked') this.sendUptodate(handle);
          return;
        }
        if (handle.phase !== 'newLeaderAcked' && handle.phase !== 'broadcast') throw new Error(`ACK while ${handle.phase}`);
        if (counterOf(packet.zxid) === 0n || handle.observer) return; // the ACK after UPTODATE carries no proposal
        this.onProposalAck(handle.sid, packet.zxid);
        return;
      case T.PING:
        if (packet.data !== null && packet.data.length > 0) {
          this.ctx.emit({ kind: 'learnerPing', from: handle.sid, data: packet.data });
        }
        return;
      case T.REQUEST:
        if (handle.phase !== 'broadcast' || this.phase !== 'broadcast') throw new Error('REQUEST before UPTODATE');
        const request = { from: handle.sid, data: packet.data ?? Buffer.alloc(0), authinfo: packet.authinfo ?? [] };
        this.ctx.emit({ kind: 'leaderReceivedRequest', ...request });
        return;
      case T.REVALIDATE:
        // Session ownership is the shell's business; consensus only makes sure the learner is serving.
        if (handle.phase !== 'broadcast' || this.phase !== 'broadcast') throw new Error('REVALIDATE before UPTODATE');
        this.ctx.emit({ kind: 'revalidateSession', from: handle.sid, data: packet.data ?? Buffer.alloc(0) });
        return;
      default:
        throw new Error(`unexpected ${quorumPacketTypeName(packet.type)} from a learner`);
    }
  }

  /** waitForEpochAck: a quorum (with us) has accepted the epoch; a learner ahead of us means we must not lead. */
  private onEpochAck(sid: number, summary: StateSummary, observer: boolean, now: number): void {
    if (this.phase !== 'epochAck') return;
    if (summary.currentEpoch !== -1n) {
      if (isMoreRecent(summary, this.summary)) {
        this.fail(
          `learner ${sid} is ahead of the leader: epoch ${summary.currentEpoch} zxid ${zxidHex(summary.lastZxid)} ` +
            `vs ${this.summary.currentEpoch} ${zxidHex(this.summary.lastZxid)}`,
        );
        return;
      }
      if (!observer) this.electing.add(sid);
    }
    if (this.electing.has(this.ctx.myId) && isQuorum(this.electing, this.ctx.voters)) {
      this.phase = 'newLeader';
      this.phaseDeadline = now + this.initWindow;
      this.ctx.currentEpoch = this.epoch;
      this.ctx.emit({ kind: 'persistCurrentEpoch', epoch: this.epoch, ticket: this.ctx.disk.issue() });
      // The self-ack also waits for every log write issued before: we vouch for the whole history we lead with.
      this.selfAckTicket = this.ctx.disk.lastIssued;
      for (const handle of this.handles.values()) if (handle.phase === 'epochAcked') this.syncLearner(handle);
    }
  }

  // ---- synchronisation ----

  private syncLearner(handle: LearnerHandle): void {
    const sync = planLearnerSync(this.ctx.history, handle.peerLastZxid, this.initialHistoryEnd, handle.observer);
    if (sync.opening !== null) {
      this.send(handle.sid, sync.opening);
    } else {
      handle.snapshotInFlight = true;
      this.ctx.emit({ kind: 'sendSnapshot', to: handle.sid, zxid: sync.snapshotZxid });
    }
    this.ctx.log(
      `leader ${this.ctx.myId}: sync ${handle.sid} (${handle.peerLastZxid === -1n ? '?' : zxidHex(handle.peerLastZxid)}) ` +
        `by ${sync.kind.toUpperCase()} + ${sync.txnCount} txns`,
    );
    for (const packet of sync.packets) this.send(handle.sid, packet);
    this.send(handle.sid, quorumPacket(T.NEWLEADER, makeZxid(this.epoch, 0n), this.ctx.configData));
    handle.phase = 'awaitingNewLeaderAck';
  }

  private onNewLeaderAck(sid: number, now: number): void {
    if (this.phase !== 'newLeader') return;
    this.newLeaderAcks.add(sid);
    if (!this.newLeaderAcks.has(this.ctx.myId) || !isQuorum(this.newLeaderAcks, this.ctx.voters)) return;
    // A quorum holds our history under the new epoch: it is committed, and we may serve.
    this.phase = 'broadcast';
    this.lastProposed = makeZxid(this.epoch, 0n);
    if (this.initialHistoryEnd > this.ctx.history.applied) {
      this.ctx.emit({ kind: 'commit', zxid: this.initialHistoryEnd });
      this.ctx.history.markApplied(this.initialHistoryEnd);
    }
    for (const handle of this.handles.values()) if (handle.phase === 'newLeaderAcked') this.sendUptodate(handle);
    this.nextPingAt = now;
    this.nextQuorumCheckAt = now + this.ctx.timings.tickTime;
    this.ctx.emit({ kind: 'serving', epoch: this.epoch });
  }

  private sendUptodate(handle: LearnerHandle): void {
    handle.phase = 'broadcast';
    // ZooKeeper sends -1; our last committed zxid tells a Paddock learner how much of what it holds is committed.
    this.send(handle.sid, quorumPacket(T.UPTODATE, this.ctx.history.applied));
    for (const commit of handle.heldCommits.splice(0)) this.send(handle.sid, commit);
  }

  // ---- broadcast ----

  /** Learners that get proposals and commits: every learner synced since its DIFF/TRUNC/SNAP went out. */
  private isForwarding(handle: LearnerHandle): boolean {
    return handle.phase === 'awaitingNewLeaderAck' || handle.phase === 'newLeaderAcked' || handle.phase === 'broadcast';
  }

  private onProposalAck(sid: number, zxid: bigint): void {
    const proposal = this.outstanding.find((p) => p.txn.zxid === zxid);
    if (proposal === undefined) return; // already committed, or from an older link
    proposal.acks.add(sid);
    this.tryCommit();
  }

  /** Commits strictly in zxid order: a later proposal with a quorum waits for the earlier ones. */
  private tryCommit(): void {
    while (this.outstanding.length > 0 && this.outstanding[0]!.quorums.every((voters) => isQuorum(this.outstanding[0]!.acks, voters))) {
      const { txn, reconfig } = this.outstanding.shift()!;
      if (reconfig && !this.outstanding.some((p) => p.reconfig)) this.proposedVoters = null;
      this.ctx.emit({ kind: 'commit', zxid: txn.zxid });
      this.ctx.history.markApplied(txn.zxid);
      // ZooKeeper's ...ANDACTIVATE packets name the leader of the new configuration; we stay leader if we can.
      const designated = Buffer.alloc(8);
      designated.writeBigInt64BE(BigInt(this.ctx.myId));
      const commit = reconfig ? quorumPacket(T.COMMITANDACTIVATE, txn.zxid, designated) : quorumPacket(T.COMMIT, txn.zxid);
      const inform = reconfig
        ? quorumPacket(T.INFORMANDACTIVATE, txn.zxid, Buffer.concat([designated, txn.data]))
        : quorumPacket(T.INFORM, txn.zxid, txn.data);
      for (const handle of this.handles.values()) {
        if (!this.isForwarding(handle)) continue;
        if (handle.observer || handle.phase === 'broadcast') this.send(handle.sid, handle.observer ? inform : commit);
        else handle.heldCommits.push(commit);
      }
      while (this.pendingSyncs.length > 0 && this.pendingSyncs[0]!.zxid <= txn.zxid) this.answerSync(this.pendingSyncs.shift()!.from);
    }
  }

  private answerSync(from: number | null): void {
    if (from === null) this.ctx.emit({ kind: 'syncDone' });
    else if (this.handles.has(from)) this.send(from, quorumPacket(T.SYNC, 0n));
  }

  private dropLearner(sid: number, reason: string): void {
    this.ctx.log(`leader ${this.ctx.myId}: dropping learner ${sid}: ${reason}`);
    this.ctx.emit({ kind: 'closeLink', peer: sid });
    this.linkClosed(sid);
  }

  private fail(reason: string): void {
    if (this.failure !== null) return;
    this.failure = reason;
    this.ctx.log(`leader ${this.ctx.myId}: ${reason}`);
  }

  private send(to: number, packet: QuorumPacket): void {
    this.ctx.emit({ kind: 'sendPacket', to, packet });
  }
}
