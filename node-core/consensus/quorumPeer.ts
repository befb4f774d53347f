// One ensemble member as a pure state machine (ZooKeeper's QuorumPeer.run loop): election, then leading or
// learning through discovery, synchronisation and broadcast, and back to election whenever that role fails.
// Inputs are messages, link and disk completions and ticks with `now`; outputs are actions for the shell. All that
// survives a crash comes in through `start` from what the shell had made durable.
import type { QuorumPacket } from '../protocol/quorumPackets.js';
import type { Id } from '../protocol/records.js';
import { ServerState } from '../protocol/quorumPackets.js';
import { DiskTickets, type ZabAction, type ZabTimings } from './actions.js';
import { FastLeaderElection, type Notification } from './fastLeaderElection.js';
import { History, type Txn } from './history.js';
import { Leader } from './leader.js';
import { Learner } from './learner.js';
import { isQuorum } from './quorum.js';
import { parseQuorumConfig, type ConfigChange } from './quorumConfig.js';
import type { ZabContext } from './zabContext.js';

export interface QuorumPeerConfig extends ZabTimings {
  myId: number;
  voters: readonly number[];
  /** Members that follow without voting. A member in neither list is treated as an observer. */
  observers?: readonly number[];
  /** How many committed transactions a leader keeps in memory to sync learners by DIFF (ZooKeeper: 500). */
  committedLogSize?: number;
  finalizeWaitMs?: number;
  minNotificationIntervalMs?: number;
  maxNotificationIntervalMs?: number;
  connectRetryMs?: number;
  /** How many times a learner dials its leader before it gives up and looks for another (default 5). */
  connectAttempts?: number;
  /** The configuration text sent with NEWLEADER (and, by the shell, with notifications). */
  configData?: Buffer;
  /**
   * Dynamic reconfiguration: the membership a logged transaction installs once committed (null for ordinary
   * transactions). Without it no transaction changes the membership.
   */
  configChangeOf?: (data: Buffer) => ConfigChange | null;
  log?: (message: string) => void;
}

/** What the shell recovered from disk. */
export interface DurableState {
  acceptedEpoch: bigint;
  currentEpoch: bigint;
  /** The zxid of the state the shell starts from (its snapshot): nothing after it is applied yet. */
  appliedZxid: bigint;
  /** Every logged transaction after `appliedZxid` (older ones may be included), oldest first. */
  logTail: readonly Txn[];
  /** The zxid just before logTail[0]; defaults to appliedZxid. */
  logTailBase?: bigint;
}

export type PeerStateName = 'looking' | 'following' | 'observing' | 'leading';

export type PeerAction =
  | ZabAction
  | { kind: 'sendNotification'; to: number; notification: Notification }
  /** The member changed role; anything served under the previous role must stop. */
  | { kind: 'state'; state: PeerStateName; leader: number | null; reason?: string }
  /** A newer membership is in force (a reconfig committed, or the leader's NEWLEADER carried it): persist and use it. */
  | { kind: 'configActivated'; change: ConfigChange };

export class QuorumPeer {
  private readonly election: FastLeaderElection;
  private readonly disk = new DiskTickets();
  private history!: History;
  private ctx!: ZabContext;
  private role: Leader | Learner | null = null;
  private actions: PeerAction[] = [];
  private stateName: PeerStateName = 'looking';
  private started = false;
  private isObserver: boolean;
  private configVersion: bigint;
  /** Set when an activated configuration changes this member's own role: it leaves the role and elects again. */
  private roleInvalidated: string | null = null;

  constructor(private readonly config: QuorumPeerConfig) {
    this.isObserver = !config.voters.includes(config.myId);
    this.configVersion = versionOf(config.configData);
    this.election = new FastLeaderElection({
      myId: config.myId,
      voters: config.voters,
      finalizeWaitMs: config.finalizeWaitMs,
      minNotificationIntervalMs: config.minNotificationIntervalMs,
      maxNotificationIntervalMs: config.maxNotificationIntervalMs,
    });
  }

  // ---- observation ----

  get state(): PeerStateName {
    return this.stateName;
  }

  get leaderId(): number | null {
    if (this.role instanceof Leader) return this.config.myId;
    if (this.role instanceof Learner) return this.role.leader;
    return null;
  }

  /** True while this member may serve clients: an established leader, or a learner after UPTODATE. */
  get isServing(): boolean {
    if (this.role instanceof Leader) return this.role.isEstablished && this.role.failure === null;
    if (this.role instanceof Learner) return this.role.isServing && this.role.failure === null;
    return false;
  }

  /** The epoch of the current role (-1 while looking or still in discovery). */
  get epoch(): bigint {
    if (this.role instanceof Leader) return this.role.epoch;
    if (this.role instanceof Learner) return this.role.epoch;
    return -1n;
  }

  get lastLoggedZxid(): bigint {
    return this.history.lastZxid;
  }

  get appliedZxid(): bigint {
    return this.history.applied;
  }

  get acceptedEpoch(): bigint {
    return this.ctx.acceptedEpoch;
  }

  get currentEpoch(): bigint {
    return this.ctx.currentEpoch;
  }

  get leader(): Leader | null {
    return this.role instanceof Leader ? this.role : null;
  }

  get learner(): Learner | null {
    return this.role instanceof Learner ? this.role : null;
  }

  get electionRound(): bigint {
    return this.election.round;
  }

  /** The voting members in force now (they change when a reconfig commits). */
  get voters(): readonly number[] {
    return this.ctx?.voters ?? this.config.voters;
  }

  /** The version (reconfig zxid) of the configuration in force; 0 for the static one. */
  get activeConfigVersion(): bigint {
    return this.configVersion;
  }

  /**
   * Leader only: whether this leader and the learners synced with it form a quorum of `voters` (ZooKeeper's
   * isQuorumSynced, which a reconfig must pass before its proposal: NewConfigNoQuorum otherwise).
   */
  isQuorumSynced(voters: readonly number[]): boolean {
    const leader = this.leader;
    if (leader === null || !this.isServing) return false;
    return isQuorum([this.config.myId, ...leader.syncedLearners], voters);
  }

  // ---- inputs ----

  start(now: number, durable: DurableState): PeerAction[] {
    if (this.started) throw new Error('a QuorumPeer starts once; make a new one after a restart');
    this.started = true;
    this.history = new History(
      durable.logTail,
      durable.logTailBase ?? durable.appliedZxid,
      durable.appliedZxid,
      this.config.committedLogSize ?? 500,
    );
    const log = this.config.log ?? (() => undefined);
    this.ctx = {
      myId: this.config.myId,
      voters: this.config.voters,
      timings: { tickTime: this.config.tickTime, initLimit: this.config.initLimit, syncLimit: this.config.syncLimit },
      history: this.history,
      disk: this.disk,
      configData: this.config.configData ?? Buffer.alloc(0),
      configChangeOf: this.config.configChangeOf,
      onLeaderConfig: (data) => this.adoptLeaderConfig(data),
      acceptedEpoch: durable.acceptedEpoch,
      currentEpoch: durable.currentEpoch,
      emit: (action) => this.onRoleAction(action),
      log,
    };
    this.lookForLeader(now, 'started');
    return this.flush();
  }

  receiveNotification(from: number, notification: Notification, now: number): PeerAction[] {
    this.handleElection(this.election.receive(from, notification, now), now);
    return this.flush();
  }

  receivePacket(from: number, packet: QuorumPacket, now: number): PeerAction[] {
    const role = this.role;
    if (role instanceof Leader) role.receive(from, packet, now);
    else if (role instanceof Learner && from === role.leader) role.receive(packet, now);
    else this.actions.push({ kind: 'closeLink', peer: from }); // not leading, or not our leader: refuse the link
    this.afterRoleInput(now);
    return this.flush();
  }

  /** The quorum link to `peer` is gone (or could not be opened). */
  linkClosed(peer: number, now: number): PeerAction[] {
    const role = this.role;
    if (role instanceof Leader) role.linkClosed(peer);
    else if (role instanceof Learner && peer === role.leader) role.linkClosed(now);
    this.afterRoleInput(now);
    return this.flush();
  }

  /** Disk ticket `ticket` (and so every earlier one) is durable. */
  diskDone(ticket: number, now: number): PeerAction[] {
    this.disk.complete(ticket);
    this.role?.diskProgress(now);
    this.afterRoleInput(now);
    return this.flush();
  }

  tick(now: number): PeerAction[] {
    if (this.role === null) this.handleElection(this.election.tick(now), now);
    else {
      this.role.tick(now);
      this.afterRoleInput(now);
    }
    return this.flush();
  }

  nextDeadline(): number | null {
    return this.role === null ? this.election.nextDeadline() : this.role.nextDeadline();
  }

  /** Leader only: proposes a transaction. zxid null when this member cannot propose now. */
  propose(data: Buffer, expectedZxid?: bigint, now = 0): { zxid: bigint | null; actions: PeerAction[] } {
    const leader = this.leader;
    const zxid = leader !== null && this.isServing ? leader.propose(data, expectedZxid) : null;
    this.afterRoleInput(now);
    return { zxid, actions: this.flush() };
  }

  /** Learner only: sends a client request to the leader. False when not serving. */
  forwardRequest(data: Buffer, authinfo: Id[] | null = null): { accepted: boolean; actions: PeerAction[] } {
    const learner = this.learner;
    const accepted = learner !== null && learner.failure === null ? learner.forwardRequest(data, authinfo) : false;
    return { accepted, actions: this.flush() };
  }

  /** Learner only: asks the leader to confirm a session re-attached here. False when not serving. */
  revalidateSession(data: Buffer): { accepted: boolean; actions: PeerAction[] } {
    const learner = this.learner;
    const accepted = learner !== null && learner.failure === null ? learner.revalidateSession(data) : false;
    return { accepted, actions: this.flush() };
  }

  /** Leader only: answers a learner's REVALIDATE (the shell's `revalidateSession` action). */
  answerRevalidation(to: number, data: Buffer): PeerAction[] {
    this.leader?.answerRevalidation(to, data);
    return this.flush();
  }

  /** Leader only: answer a sync once all earlier proposals commit (`from` null: a client of the leader itself). */
  sync(from: number | null): PeerAction[] {
    this.leader?.sync(from);
    return this.flush();
  }

  setPingPayload(data: Buffer): void {
    this.learner?.setPingPayload(data);
  }

  // ---- transitions ----

  private lookForLeader(now: number, reason: string): void {
    this.role = null;
    this.setState('looking', null, reason);
    this.handleElection(this.election.start(now, { lastLoggedZxid: this.history.lastZxid, currentEpoch: this.ctx.currentEpoch }), now);
  }

  private handleElection(actions: ReturnType<FastLeaderElection['tick']>, now: number): void {
    for (const action of actions) {
      if (action.kind === 'send') {
        this.actions.push({ kind: 'sendNotification', to: action.to, notification: action.notification });
        continue;
      }
      if (action.leader === this.config.myId) {
        this.setState('leading', this.config.myId);
        const leader = new Leader(this.ctx, now);
        this.role = leader;
        leader.start(now);
      } else {
        this.setState(action.state === ServerState.OBSERVING || this.isObserver ? 'observing' : 'following', action.leader);
        const learner = new Learner(this.ctx, action.leader, { observer: this.isObserver, connectRetryMs: this.config.connectRetryMs, connectAttempts: this.config.connectAttempts }, now);
        this.role = learner;
        learner.start(now);
      }
      this.afterRoleInput(now);
    }
  }

  private afterRoleInput(now: number): void {
    const role = this.role;
    if (role === null || (role.failure === null && this.roleInvalidated === null)) return;
    const reason = role.failure ?? this.roleInvalidated!;
    this.roleInvalidated = null;
    role.stop();
    this.lookForLeader(now, reason);
  }

  private onRoleAction(action: ZabAction): void {
    // ZOOKEEPER-1732: once serving, report the new epoch to late joiners so they all see one vote.
    if (action.kind === 'serving') this.election.updatePeerEpoch(action.epoch);
    if (action.kind === 'commit') {
      // The membership changes once the reconfig is applied, so the shell applies it before it hears of the change.
      const change = this.configCommittedThrough(action.zxid);
      this.actions.push(action);
      if (change !== null) this.activateConfig(change, true);
      return;
    }
    this.actions.push(action);
  }

  /** The last membership change among the transactions a commit up to `zxid` applies. */
  private configCommittedThrough(zxid: bigint): ConfigChange | null {
    const changeOf = this.config.configChangeOf;
    if (changeOf === undefined) return null;
    let found: ConfigChange | null = null;
    for (const txn of this.history.after(this.history.applied)) {
      if (txn.zxid > zxid) break;
      found = changeOf(txn.data) ?? found;
    }
    return found;
  }

  /** NEWLEADER carries the leader's configuration: a learner that missed a reconfig (it came by SNAP) adopts it. */
  private adoptLeaderConfig(data: Buffer): void {
    if (this.config.configChangeOf === undefined || data.length === 0) return;
    let change: ConfigChange;
    try {
      const parsed = parseQuorumConfig(data.toString('utf8'));
      change = {
        voters: parsed.members.filter((m) => m.role === 'participant').map((m) => m.id),
        observers: parsed.members.filter((m) => m.role === 'observer').map((m) => m.id),
        version: parsed.version,
        configData: data,
      };
    } catch {
      return; // not a configuration Paddock can read (an older leader's): keep ours
    }
    // Mid-sync the role stays: the next election, if any, runs on the adopted membership.
    this.activateConfig(change, false);
  }

  /**
   * Puts a newer membership in force: quorums, elections and NEWLEADER use it from now on. A member whose own role
   * changed (removed, or turned voter/observer) leaves its role and elects again under the new membership.
   */
  private activateConfig(change: ConfigChange, mayRestartRole: boolean): void {
    if (change.version <= this.configVersion) return;
    this.configVersion = change.version;
    this.ctx.voters = change.voters;
    this.ctx.configData = change.configData;
    this.election.setVoters(change.voters);
    const wasObserver = this.isObserver;
    this.isObserver = !change.voters.includes(this.config.myId);
    this.actions.push({ kind: 'configActivated', change });
    const member = change.voters.includes(this.config.myId) || change.observers.includes(this.config.myId);
    if (!mayRestartRole || this.role === null) return;
    if (!member) this.roleInvalidated = 'removed from the configuration by a reconfig';
    else if (wasObserver !== this.isObserver) this.roleInvalidated = `now ${this.isObserver ? 'an observer' : 'a voter'} after a reconfig`;
  }

  private setState(state: PeerStateName, leader: number | null, reason?: string): void {
    this.stateName = state;
    this.actions.push(reason === undefined ? { kind: 'state', state, leader } : { kind: 'state', state, leader, reason });
  }

  private flush(): PeerAction[] {
    const out = this.actions;
    this.actions = [];
    return out;
  }
}

function versionOf(configData: Buffer | undefined): bigint {
  if (configData === undefined || configData.length === 0) return 0n;
  try {
    return parseQuorumConfig(configData.toString('utf8')).version;
  } catch {
    return 0n;
  }
}
