// ZooKeeper's Fast Leader Election as a pure state machine: notifications and ticks go in, notifications to send
// and the election result come out, so a simulator can run it from a seed and the shell can run it over TCP.
// The rules follow FastLeaderElection.lookForLeader in ZooKeeper 3.8: votes ordered by (peerEpoch, zxid, sid), a
// round number (logicalclock) per election, a quorum of identical votes held for finalizeWait, and joining an
// established ensemble from FOLLOWING/LEADING notifications once a quorum agrees and the leader says it leads.
import { ServerState, notificationVersion, type ServerStateValue } from '../protocol/quorumPackets.js';
import { isQuorum } from './quorum.js';

/** ZooKeeper's default for zookeeper.fastleader.maxNotificationInterval, the cap of the doubling resend interval. */
export const defaultMaxNotificationIntervalMs = 60_000;

/** Long.MIN_VALUE: the vote of a member that may not lead (an observer). */
const minLong = -(2n ** 63n);
const noLeaderSid = Number(minLong);

export interface Vote {
  leader: number;
  zxid: bigint;
  electionEpoch: bigint;
  peerEpoch: bigint;
}

/** A notification as decoded from the election port (sids as numbers; the wire carries longs). */
export interface Notification extends Vote {
  state: ServerStateValue;
  version: number;
}

export type ElectionAction =
  | { kind: 'send'; to: number; notification: Notification }
  | {
      kind: 'elected';
      leader: number;
      zxid: bigint;
      electionEpoch: bigint;
      peerEpoch: bigint;
      /** LEADING, FOLLOWING or OBSERVING: what this member becomes. */
      state: ServerStateValue;
    };

export interface ElectionConfig {
  myId: number;
  /** The voting members (participants). A member not listed here is an observer: it never votes or leads. */
  voters: readonly number[];
  finalizeWaitMs?: number;
  minNotificationIntervalMs?: number;
  maxNotificationIntervalMs?: number;
}

export interface ElectionStart {
  lastLoggedZxid: bigint;
  currentEpoch: bigint;
}

interface StoredVote extends Vote {
  state: ServerStateValue;
  version: number;
}

/** Vote.equals of ZooKeeper: out-of-election votes agree on leader and epoch only (ZOOKEEPER-1805, -1732). */
function votesEqual(a: StoredVote, b: StoredVote): boolean {
  if (a.state === ServerState.LOOKING || b.state === ServerState.LOOKING) {
    return a.leader === b.leader && a.zxid === b.zxid && a.electionEpoch === b.electionEpoch && a.peerEpoch === b.peerEpoch;
  }
  if (a.version > 0 !== b.version > 0) return a.leader === b.leader;
  return a.leader === b.leader && a.peerEpoch === b.peerEpoch;
}

export class FastLeaderElection {
  private voters: ReadonlySet<number>;
  private voterIds: readonly number[];
  private readonly finalizeWait: number;
  private readonly minInterval: number;
  private readonly maxInterval: number;

  /** The election round; survives across elections of one process, restarts at 0 with the process. */
  private logicalclock = 0n;
  private looking = false;
  private initial: { leader: number; zxid: bigint; peerEpoch: bigint } = { leader: noLeaderSid, zxid: minLong, peerEpoch: minLong };
  private proposal = this.initial;
  private recvset = new Map<number, StoredVote>();
  private outOfElection = new Map<number, StoredVote>();
  private notificationTimeout = 0;
  private nextResendAt = 0;
  private finalizeDeadline: number | null = null;
  private readonly selfDeliveries: Notification[] = [];
  private actions: ElectionAction[] = [];

  /** The vote this member reports once the election is over (answers to LOOKING peers). */
  private currentVote: Vote = { leader: noLeaderSid, zxid: minLong, electionEpoch: 0n, peerEpoch: minLong };
  private peerState: ServerStateValue = ServerState.LOOKING;

  constructor(private readonly config: ElectionConfig) {
    this.voterIds = config.voters;
    this.voters = new Set(config.voters);
    this.finalizeWait = config.finalizeWaitMs ?? 200;
    this.minInterval = config.minNotificationIntervalMs ?? this.finalizeWait;
    this.maxInterval = config.maxNotificationIntervalMs ?? defaultMaxNotificationIntervalMs;
  }

  get isLooking(): boolean {
    return this.looking;
  }

  get round(): bigint {
    return this.logicalclock;
  }

  get vote(): Vote {
    return { ...this.proposal, electionEpoch: this.logicalclock };
  }

  get elected(): Vote {
    return { ...this.currentVote };
  }

  private get isVoter(): boolean {
    return this.voters.has(this.config.myId);
  }

  /** Begins a new round (lookForLeader): bump the round, vote for ourselves, tell every voter. */
  start(now: number, from: ElectionStart): ElectionAction[] {
    this.looking = true;
    this.peerState = ServerState.LOOKING;
    this.logicalclock += 1n;
    this.recvset = new Map();
    this.outOfElection = new Map();
    this.finalizeDeadline = null;
    this.initial = this.isVoter
      ? { leader: this.config.myId, zxid: from.lastLoggedZxid, peerEpoch: from.currentEpoch }
      : { leader: noLeaderSid, zxid: minLong, peerEpoch: minLong };
    this.proposal = this.initial;
    this.notificationTimeout = this.minInterval;
    this.nextResendAt = now + this.notificationTimeout;
    this.sendNotifications();
    this.drainSelfDeliveries(now);
    return this.flush();
  }

  /** Stops answering as a candidate; the peer left the election some other way (shutdown). */
  stop(): void {
    this.looking = false;
    this.finalizeDeadline = null;
  }

  /** A reconfig committed: later rounds count, and notify, the new voting members. */
  setVoters(voters: readonly number[]): void {
    this.voterIds = [...voters];
    this.voters = new Set(voters);
  }

  /** ZOOKEEPER-1732: once synced, every member reports the new epoch so late joiners agree on one vote. */
  updatePeerEpoch(peerEpoch: bigint): void {
    this.currentVote = { ...this.currentVote, peerEpoch };
  }

  receive(from: number, n: Notification, now: number): ElectionAction[] {
    if (!this.voters.has(from)) {
      // A non-voter (observer) learns the leader from our answers; it never sends us anything we count. Only a
      // looking one needs an answer: an observing observer answers a looking voter in turn (ZooKeeper's
      // WorkerReceiver answers both ways too), so answering it back would bounce notifications between the two for
      // as long as this voter looks, and multiply them on a network that duplicates.
      if (n.state === ServerState.LOOKING) this.reply(from);
      return this.flush();
    }
    if (!this.looking) {
      if (n.state === ServerState.LOOKING) this.reply(from);
      return this.flush();
    }
    if (this.isVoter && n.state === ServerState.LOOKING && n.electionEpoch < this.logicalclock) {
      // The receiver thread's courtesy: a peer in an older round hears our round at once. An observer's round
      // means nothing to voters (they answer every observer message), so an observer answering back would start
      // an endless exchange with a voter whose round is behind its own.
      this.send(from, this.lookingNotification());
    }
    this.process(from, n, now);
    this.drainSelfDeliveries(now);
    return this.flush();
  }

  tick(now: number): ElectionAction[] {
    if (!this.looking) return [];
    if (this.finalizeDeadline !== null) {
      if (now >= this.finalizeDeadline) this.finish(this.proposal.leader, { ...this.proposal, electionEpoch: this.logicalclock });
      return this.flush();
    }
    if (now >= this.nextResendAt) {
      this.sendNotifications();
      this.notificationTimeout = Math.min(this.notificationTimeout * 2, this.maxInterval);
      this.nextResendAt = now + this.notificationTimeout;
      this.drainSelfDeliveries(now);
    }
    return this.flush();
  }

  /** When the shell should call tick next; null when not looking. */
  nextDeadline(): number | null {
    if (!this.looking) return null;
    return this.finalizeDeadline ?? this.nextResendAt;
  }

  private process(from: number, n: Notification, now: number): void {
    if (this.finalizeDeadline !== null) {
      if (!this.beats(n.leader, n.zxid, n.peerEpoch, this.proposal)) {
        // Like the poll loop in lookForLeader: a notification that changes nothing is consumed and the wait restarts.
        this.finalizeDeadline = now + this.finalizeWait;
        return;
      }
      this.finalizeDeadline = null;
    }
    this.nextResendAt = now + this.notificationTimeout;
    if (!this.voters.has(n.leader)) return;
    switch (n.state) {
      case ServerState.LOOKING:
        this.processLooking(from, n, now);
        return;
      case ServerState.FOLLOWING:
      case ServerState.LEADING:
        this.processEstablished(from, n);
        return;
      default:
        return; // observers' notifications carry no vote
    }
  }

  private processLooking(from: number, n: Notification, now: number): void {
    if (this.isVoter && this.initial.zxid === -1n) return;
    if (n.zxid === -1n) return;
    if (n.electionEpoch > this.logicalclock) {
      this.logicalclock = n.electionEpoch;
      this.recvset.clear();
      this.proposal = this.beats(n.leader, n.zxid, n.peerEpoch, this.initial)
        ? { leader: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch }
        : this.initial;
      this.sendNotifications();
    } else if (n.electionEpoch < this.logicalclock) {
      return;
    } else if (this.beats(n.leader, n.zxid, n.peerEpoch, this.proposal)) {
      this.proposal = { leader: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch };
      this.sendNotifications();
    }
    this.recvset.set(from, { leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch, state: ServerState.LOOKING, version: n.version });
    const target: StoredVote = { ...this.proposal, electionEpoch: this.logicalclock, state: ServerState.LOOKING, version: notificationVersion };
    if (this.hasQuorum(this.recvset, target)) this.finalizeDeadline = now + this.finalizeWait;
  }

  private processEstablished(from: number, n: Notification): void {
    const vote: StoredVote = { leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch, state: n.state, version: n.version };
    if (n.electionEpoch === this.logicalclock) {
      this.recvset.set(from, vote);
      if (this.hasQuorum(this.recvset, vote) && this.checkLeader(this.recvset, n.leader, n.electionEpoch)) {
        this.finish(n.leader, vote);
        return;
      }
    }
    // Joining an established ensemble: a quorum follows one leader, and that leader itself reports LEADING.
    this.outOfElection.set(from, vote);
    if (this.hasQuorum(this.outOfElection, vote) && this.checkLeader(this.outOfElection, n.leader, n.electionEpoch)) {
      this.logicalclock = n.electionEpoch;
      this.finish(n.leader, vote);
    }
  }

  /** Without this, peers would keep electing a crashed leader that a stale quorum still points to. */
  private checkLeader(votes: Map<number, StoredVote>, leader: number, electionEpoch: bigint): boolean {
    if (leader !== this.config.myId) return votes.get(leader)?.state === ServerState.LEADING;
    return this.logicalclock === electionEpoch;
  }

  private hasQuorum(votes: Map<number, StoredVote>, target: StoredVote): boolean {
    const agreeing: number[] = [];
    for (const [sid, vote] of votes) if (votesEqual(vote, target)) agreeing.push(sid);
    return isQuorum(agreeing, this.voterIds);
  }

  /** totalOrderPredicate: higher peer epoch, then higher zxid, then higher sid; a non-voter never wins. */
  private beats(leader: number, zxid: bigint, peerEpoch: bigint, current: { leader: number; zxid: bigint; peerEpoch: bigint }): boolean {
    if (!this.voters.has(leader)) return false;
    if (peerEpoch !== current.peerEpoch) return peerEpoch > current.peerEpoch;
    if (zxid !== current.zxid) return zxid > current.zxid;
    return leader > current.leader;
  }

  private finish(leader: number, vote: Vote): void {
    this.looking = false;
    this.finalizeDeadline = null;
    this.selfDeliveries.length = 0;
    this.peerState =
      leader === this.config.myId ? ServerState.LEADING : this.isVoter ? ServerState.FOLLOWING : ServerState.OBSERVING;
    this.currentVote = { leader, zxid: vote.zxid, electionEpoch: vote.electionEpoch, peerEpoch: vote.peerEpoch };
    this.actions.push({ kind: 'elected', ...this.currentVote, state: this.peerState });
  }

  private lookingNotification(): Notification {
    return { ...this.proposal, electionEpoch: this.logicalclock, state: ServerState.LOOKING, version: notificationVersion };
  }

  private reply(to: number): void {
    const notification: Notification = this.looking
      ? this.lookingNotification()
      : { ...this.currentVote, state: this.peerState, version: notificationVersion };
    this.send(to, notification);
  }

  private sendNotifications(): void {
    const notification = this.lookingNotification();
    for (const sid of this.voterIds) {
      // ZooKeeper's connection manager loops a message to ourselves back into the receive queue; we do the same
      // without a round trip through the shell.
      if (sid === this.config.myId) this.selfDeliveries.push(notification);
      else this.send(sid, notification);
    }
  }

  private drainSelfDeliveries(now: number): void {
    while (this.looking && this.selfDeliveries.length > 0) {
      const notification = this.selfDeliveries.shift()!;
      this.process(this.config.myId, notification, now);
    }
  }

  private send(to: number, notification: Notification): void {
    this.actions.push({ kind: 'send', to, notification: { ...notification } });
  }

  private flush(): ElectionAction[] {
    const out = this.actions;
    this.actions = [];
    return out;
  }
}
