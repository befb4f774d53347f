// A follower or observer of one leader, from connecting to broadcast (ZooKeeper's Learner, Follower, Observer).
// The order that keeps data safe is the one ZOOKEEPER-3911/4643/4646 fixed: the sync transactions are durable
// first, then currentEpoch, and only then is NEWLEADER acknowledged; nothing is applied before UPTODATE, because
// until a quorum has acknowledged NEWLEADER the leader's history is not yet committed.
import {
  QuorumPacketType as T,
  encodeInt32,
  encodeLearnerInfo,
  quorumPacket,
  quorumPacketTypeName,
  zabProtocolVersion,
  type QuorumPacket,
} from '../protocol/quorumPackets.js';
import type { Id } from '../protocol/records.js';
import type { Txn } from './history.js';
import type { ZabContext } from './zabContext.js';
import { counterOf, epochOf, makeZxid, zxidHex } from './zxid.js';

export type LearnerPhase =
  | 'connecting'
  | 'persistingAcceptedEpoch'
  | 'awaitingSync'
  | 'syncing'
  | 'loggingSync'
  | 'persistingCurrentEpoch'
  | 'awaitingUptodate'
  | 'broadcast';

export interface LearnerOptions {
  observer: boolean;
  /** Pause between attempts to reach a leader that is not accepting yet (ZooKeeper: 1 s, 5 attempts). */
  connectRetryMs?: number;
  connectAttempts?: number;
}

interface UnackedProposal {
  zxid: bigint;
  ticket: number;
}

export class Learner {
  phase: LearnerPhase = 'connecting';
  /** Set when this learner gives up; the member then goes back to election. */
  failure: string | null = null;

  private readonly retryMs: number;
  private readonly maxAttempts: number;
  private attempts = 0;
  private retryAt: number | null = null;
  private lastHeard: number;
  private readonly startedAt: number;

  private newEpoch = -1n;
  private newLeaderZxid = -1n;
  private ackEpochData = 0;
  private waitTicket = 0;

  private syncSnapshot: { zxid: bigint; data: Buffer | null } | null = null;
  private truncateTo: bigint | null = null;
  private readonly syncTxns: Txn[] = [];
  /** The last zxid this learner's log will hold once everything received is written. */
  private lastQueued = 0n;
  /** The highest zxid the leader has told us is committed. */
  private commitPoint = 0n;
  private unacked: UnackedProposal[] = [];
  /** Our last zxid once the sync is written: what NEWLEADER's ACK vouches for. */
  private syncEnd = 0n;
  private pingPayload: Buffer | null = null;

  constructor(
    private readonly ctx: ZabContext,
    readonly leader: number,
    private readonly options: LearnerOptions,
    now: number,
  ) {
    this.retryMs = options.connectRetryMs ?? 1000;
    this.maxAttempts = options.connectAttempts ?? 5;
    this.lastHeard = now;
    this.startedAt = now;
    this.commitPoint = ctx.history.applied;
  }

  get isServing(): boolean {
    return this.phase === 'broadcast';
  }

  get epoch(): bigint {
    return this.newEpoch;
  }

  start(now: number): void {
    this.connect(now);
  }

  private connect(now: number): void {
    this.attempts++;
    this.retryAt = null;
    this.lastHeard = now;
    this.ctx.emit({ kind: 'connectToLeader', leader: this.leader });
    const info = encodeLearnerInfo({ serverid: BigInt(this.ctx.myId), protocolVersion: zabProtocolVersion, configVersion: 0n });
    const type = this.options.observer ? T.OBSERVERINFO : T.FOLLOWERINFO;
    this.send(quorumPacket(type, makeZxid(this.ctx.acceptedEpoch, 0n), info));
  }

  /** The leader refused or the link broke. Before discovery we retry a few times: the leader may still be electing. */
  linkClosed(now: number): void {
    if (this.phase === 'connecting' && this.retryAt === null && this.attempts < this.maxAttempts) {
      const deadline = this.startedAt + this.ctx.timings.initLimit * this.ctx.timings.tickTime;
      if (now + this.retryMs < deadline) {
        this.retryAt = now + this.retryMs;
        return;
      }
    }
    if (this.phase === 'connecting' && this.retryAt !== null) return;
    this.fail(`lost the link to leader ${this.leader} while ${this.phase}`);
  }

  receive(packet: QuorumPacket, now: number): void {
    if (this.failure !== null) return;
    this.lastHeard = now;
    try {
      this.dispatch(packet);
    } catch (error) {
      this.fail(`protocol error on ${quorumPacketTypeName(packet.type)} ${zxidHex(packet.zxid)}: ${(error as Error).message}`);
    }
  }

  private dispatch(packet: QuorumPacket): void {
    switch (this.phase) {
      case 'connecting':
        return this.onLeaderInfo(packet);
      case 'persistingAcceptedEpoch':
        throw new Error('the leader sent more before we acknowledged its epoch');
      case 'awaitingSync':
        return this.onSyncStart(packet);
      case 'syncing':
        return this.onSyncPacket(packet);
      default:
        return this.onBroadcastPacket(packet);
    }
  }

  private onLeaderInfo(packet: QuorumPacket): void {
    if (this.retryAt !== null) return; // a stale packet of a link we already gave up on
    if (packet.type !== T.LEADERINFO) throw new Error('expected LEADERINFO');
    const epoch = epochOf(packet.zxid);
    this.newEpoch = epoch;
    if (epoch > this.ctx.acceptedEpoch) {
      // Promise the epoch durably before saying so: a second leader of the same epoch must not get our ack too.
      this.ackEpochData = Number(this.ctx.currentEpoch);
      this.ctx.acceptedEpoch = epoch;
      this.waitTicket = this.ctx.disk.issue();
      this.ctx.emit({ kind: 'persistAcceptedEpoch', epoch, ticket: this.waitTicket });
      this.phase = 'persistingAcceptedEpoch';
      this.diskProgress();
    } else if (epoch === this.ctx.acceptedEpoch) {
      // Already accepted this epoch (from this leader before a reconnect, or another one): -1 says "do not count me".
      this.ackEpochData = -1;
      this.sendAckEpoch();
    } else {
      throw new Error(`leader epoch ${epoch} is below our accepted epoch ${this.ctx.acceptedEpoch}`);
    }
  }

  private sendAckEpoch(): void {
    this.send(quorumPacket(T.ACKEPOCH, this.ctx.history.lastZxid, encodeInt32(this.ackEpochData)));
    this.phase = 'awaitingSync';
  }

  private onSyncStart(packet: QuorumPacket): void {
    const history = this.ctx.history;
    switch (packet.type) {
      case T.DIFF:
        this.lastQueued = history.lastZxid;
        // DIFF's zxid is the leader's last committed zxid: what we already hold up to there is committed.
        this.raiseCommitPoint(packet.zxid < this.lastQueued ? packet.zxid : this.lastQueued);
        break;
      case T.TRUNC:
        if (packet.zxid < history.applied) {
          throw new Error(`TRUNC to ${zxidHex(packet.zxid)} would undo applied ${zxidHex(history.applied)}`);
        }
        this.truncateTo = packet.zxid;
        this.lastQueued = packet.zxid < history.lastZxid ? packet.zxid : history.lastZxid;
        break;
      case T.SNAP:
        // Without data the snapshot followed the packet on the stream (as ZooKeeper sends it) and the shell holds it.
        this.syncSnapshot = { zxid: packet.zxid, data: packet.data };
        this.lastQueued = packet.zxid;
        this.commitPoint = packet.zxid;
        break;
      default:
        throw new Error('expected DIFF, TRUNC or SNAP');
    }
    this.phase = 'syncing';
  }

  private onSyncPacket(packet: QuorumPacket): void {
    switch (packet.type) {
      case T.PROPOSAL:
      case T.INFORM:
      case T.INFORMANDACTIVATE: {
        // ZooKeeper's leader queues the txns after the zxid it read when it started forwarding to us, then reads
        // the SNAP zxid again later: the first few may already be in the snapshot. Those are skipped.
        if (this.syncSnapshot !== null && packet.zxid <= this.syncSnapshot.zxid) return;
        const txn = this.txnOf(packet);
        this.syncTxns.push(txn);
        this.lastQueued = txn.zxid;
        if (packet.type !== T.PROPOSAL) this.raiseCommitPoint(txn.zxid);
        return;
      }
      // A reconfig's commit activates its membership; that happens when it is applied, like any commit.
      case T.COMMIT:
      case T.COMMITANDACTIVATE:
        if (packet.zxid > this.lastQueued) throw new Error('COMMIT of a proposal never received');
        this.raiseCommitPoint(packet.zxid);
        return;
      case T.NEWLEADER:
        return this.onNewLeader(packet);
      default:
        throw new Error(`unexpected ${quorumPacketTypeName(packet.type)} during sync`);
    }
  }

  private onNewLeader(packet: QuorumPacket): void {
    if (epochOf(packet.zxid) !== this.newEpoch || counterOf(packet.zxid) !== 0n) {
      throw new Error(`NEWLEADER ${zxidHex(packet.zxid)} does not match epoch ${this.newEpoch}`);
    }
    this.newLeaderZxid = packet.zxid;
    if (packet.data !== null) this.ctx.onLeaderConfig?.(packet.data);
    const history = this.ctx.history;
    const txns = this.syncTxns.splice(0);
    if (this.syncSnapshot !== null) {
      const { zxid, data } = this.syncSnapshot;
      this.ctx.emit({ kind: 'installSnapshot', zxid, snapshot: data, txns, ticket: this.ctx.disk.issue() });
      history.reset(zxid);
      for (const txn of txns) history.append(txn);
      this.syncSnapshot = null;
    } else {
      if (this.truncateTo !== null) {
        this.ctx.emit({ kind: 'truncateLog', zxid: this.truncateTo, ticket: this.ctx.disk.issue() });
        history.truncateAfter(this.truncateTo);
        this.truncateTo = null;
      }
      if (txns.length > 0) {
        this.ctx.emit({ kind: 'logTxns', txns, ticket: this.ctx.disk.issue() });
        for (const txn of txns) history.append(txn);
      }
    }
    // Everything this member ever logged, not just the sync, must be on disk before we vouch for the history.
    this.waitTicket = this.ctx.disk.lastIssued;
    this.syncEnd = history.lastZxid;
    this.phase = 'loggingSync';
    this.diskProgress();
  }

  private onBroadcastPacket(packet: QuorumPacket): void {
    switch (packet.type) {
      case T.PROPOSAL: {
        if (this.options.observer) throw new Error('an observer got a PROPOSAL');
        const txn = this.txnOf(packet);
        const ticket = this.logOne(txn);
        this.unacked.push({ zxid: txn.zxid, ticket });
        this.flushAcks();
        return;
      }
      case T.INFORM:
      case T.INFORMANDACTIVATE: {
        if (!this.options.observer) throw new Error('a follower got an INFORM');
        const txn = this.txnOf(packet);
        this.logOne(txn);
        this.onCommit(txn.zxid);
        return;
      }
      case T.COMMIT:
      case T.COMMITANDACTIVATE:
        if (this.options.observer) throw new Error('an observer got a COMMIT');
        if (!this.ctx.history.has(packet.zxid)) throw new Error('COMMIT of a proposal never received');
        this.onCommit(packet.zxid);
        return;
      case T.UPTODATE:
        return this.onUptodate(packet);
      case T.PING:
        if (this.phase === 'awaitingUptodate' || this.phase === 'broadcast') {
          this.send(quorumPacket(T.PING, packet.zxid, this.pingPayload ?? Buffer.alloc(0)));
          this.pingPayload = null;
        }
        return;
      case T.REVALIDATE:
        if (this.phase !== 'broadcast') throw new Error('REVALIDATE before UPTODATE');
        this.ctx.emit({ kind: 'sessionRevalidated', data: packet.data ?? Buffer.alloc(0) });
        return;
      case T.SYNC:
        if (this.phase !== 'broadcast') throw new Error('SYNC before UPTODATE');
        this.ctx.emit({ kind: 'syncDone' });
        return;
      default:
        throw new Error(`unexpected ${quorumPacketTypeName(packet.type)} in ${this.phase}`);
    }
  }

  private onCommit(zxid: bigint): void {
    if (zxid <= this.commitPoint) return;
    this.commitPoint = zxid;
    if (this.phase === 'broadcast') this.applyCommitted();
  }

  private onUptodate(packet: QuorumPacket): void {
    if (this.phase !== 'awaitingUptodate') throw new Error(`UPTODATE while ${this.phase}`);
    // ZooKeeper sends -1; a Paddock leader sends its last committed zxid, which this link has carried in full.
    if (packet.zxid >= 0n) this.raiseCommitPoint(packet.zxid < this.lastQueued ? packet.zxid : this.lastQueued);
    this.phase = 'broadcast';
    this.applyCommitted();
    this.send(quorumPacket(T.ACK, makeZxid(this.newEpoch, 0n)));
    this.ctx.emit({ kind: 'serving', epoch: this.newEpoch });
  }

  private applyCommitted(): void {
    const history = this.ctx.history;
    const upTo = this.commitPoint < history.lastZxid ? this.commitPoint : history.lastZxid;
    if (upTo <= history.applied) return;
    this.ctx.emit({ kind: 'commit', zxid: upTo });
    history.markApplied(upTo);
  }

  private raiseCommitPoint(zxid: bigint): void {
    if (zxid > this.commitPoint) this.commitPoint = zxid;
  }

  private logOne(txn: Txn): number {
    if (txn.zxid <= this.ctx.history.lastZxid) {
      throw new Error(`proposal ${zxidHex(txn.zxid)} is not after ${zxidHex(this.ctx.history.lastZxid)}`);
    }
    const ticket = this.ctx.disk.issue();
    this.ctx.emit({ kind: 'logTxns', txns: [txn], ticket });
    this.ctx.history.append(txn);
    this.lastQueued = txn.zxid;
    return ticket;
  }

  private txnOf(packet: QuorumPacket): Txn {
    if (packet.data === null) throw new Error('proposal without a transaction');
    if (packet.zxid <= this.lastQueued) {
      throw new Error(`proposal ${zxidHex(packet.zxid)} is not after ${zxidHex(this.lastQueued)}`);
    }
    // INFORMANDACTIVATE puts the designated leader's sid (a long) before the transaction.
    if (packet.type === T.INFORMANDACTIVATE) {
      if (packet.data.length < 8) throw new Error('INFORMANDACTIVATE without a designated leader');
      return { zxid: packet.zxid, data: packet.data.subarray(8) };
    }
    return { zxid: packet.zxid, data: packet.data };
  }

  /** Called whenever a disk ticket completes. */
  diskProgress(): void {
    if (this.failure !== null) return;
    if (this.phase === 'persistingAcceptedEpoch' && this.ctx.disk.isDurable(this.waitTicket)) {
      this.sendAckEpoch();
    } else if (this.phase === 'loggingSync' && this.ctx.disk.isDurable(this.waitTicket)) {
      this.ctx.currentEpoch = this.newEpoch;
      this.waitTicket = this.ctx.disk.issue();
      this.ctx.emit({ kind: 'persistCurrentEpoch', epoch: this.newEpoch, ticket: this.waitTicket });
      this.phase = 'persistingCurrentEpoch';
      this.diskProgress();
      return;
    } else if (this.phase === 'persistingCurrentEpoch' && this.ctx.disk.isDurable(this.waitTicket)) {
      this.send(quorumPacket(T.ACK, this.newLeaderZxid));
      this.phase = 'awaitingUptodate';
      if (!this.options.observer) {
        // What we hold beyond the known commit point may be proposals the leader still waits on (sent during the
        // sync, or logged before we reconnected): acknowledge them, they are durable. The leader ignores the rest.
        const held = this.ctx.history
          .after(this.commitPoint)
          .filter((txn) => txn.zxid <= this.syncEnd)
          .map((txn) => ({ zxid: txn.zxid, ticket: this.waitTicket }));
        this.unacked = [...held, ...this.unacked];
      }
    }
    this.flushAcks();
  }

  /** ACKs go out in zxid order, once durable, and never before our NEWLEADER ACK (the leader reads that first). */
  private flushAcks(): void {
    if (this.phase !== 'awaitingUptodate' && this.phase !== 'broadcast') return;
    while (this.unacked.length > 0 && this.ctx.disk.isDurable(this.unacked[0]!.ticket)) {
      this.send(quorumPacket(T.ACK, this.unacked.shift()!.zxid));
    }
  }

  tick(now: number): void {
    if (this.failure !== null) return;
    if (this.retryAt !== null) {
      if (now >= this.retryAt) this.connect(now);
      return;
    }
    const { tickTime, initLimit, syncLimit } = this.ctx.timings;
    const synced = this.phase === 'awaitingUptodate' || this.phase === 'broadcast';
    const limit = (synced ? syncLimit : initLimit) * tickTime;
    if (now - this.lastHeard > limit) this.fail(`leader ${this.leader} silent for ${now - this.lastHeard} ms in ${this.phase}`);
  }

  nextDeadline(): number | null {
    if (this.failure !== null) return null;
    if (this.retryAt !== null) return this.retryAt;
    const { tickTime, initLimit, syncLimit } = this.ctx.timings;
    const synced = this.phase === 'awaitingUptodate' || this.phase === 'broadcast';
    return this.lastHeard + (synced ? syncLimit : initLimit) * tickTime + 1;
  }

  /** A client write that must go through the leader; false when not serving (the caller fails the request). */
  forwardRequest(data: Buffer, authinfo: Id[] | null): boolean {
    if (this.phase !== 'broadcast') return false;
    this.send({ type: T.REQUEST, zxid: -1n, data, authinfo });
    return true;
  }

  /** Asks the leader to confirm a session a client re-attached here (REVALIDATE); false when not serving. */
  revalidateSession(data: Buffer): boolean {
    if (this.phase !== 'broadcast') return false;
    this.send(quorumPacket(T.REVALIDATE, -1n, data));
    return true;
  }

  /** Session touches for the next PING reply; replaces what was set before and not yet sent. */
  setPingPayload(data: Buffer): void {
    this.pingPayload = data;
  }

  /** Leaves the leader: closes the link. */
  stop(): void {
    this.ctx.emit({ kind: 'closeLink', peer: this.leader });
  }

  private fail(reason: string): void {
    if (this.failure !== null) return;
    this.failure = reason;
    this.ctx.log(`learner ${this.ctx.myId}: ${reason}`);
  }

  private send(packet: QuorumPacket): void {
    this.ctx.emit({ kind: 'sendPacket', to: this.leader, packet });
  }
}

