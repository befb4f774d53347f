// The one place that carries out a QuorumPeer's actions (DESIGN rule 7). The network, the disk and the clock come in
// through a PeerEnvironment, so the real member (sockets, txn log, timers), the simulator (fake network and disk) and
// the unit tests (a scripted ensemble) all run the same order of effects. Pure: it does no I/O itself.
import type { QuorumPacket } from '../protocol/quorumPackets.js';
import type { Id } from '../protocol/records.js';
import type { DiskAction } from './actions.js';
import type { Notification } from './fastLeaderElection.js';
import type { ConfigChange } from './quorumConfig.js';
import type { DurableState, PeerAction, PeerStateName, QuorumPeer } from './quorumPeer.js';

/** What a member's shell provides; each method carries out one kind of action. */
export interface PeerEnvironment {
  /** The clock every input of the peer is stamped with. */
  now(): number;
  sendNotification(to: number, notification: Notification): void;
  /** On the quorum link to `to`, after everything sent on it before; dropped when no link is open. */
  sendPacket(to: number, packet: QuorumPacket): void;
  /** Open the quorum link to `leader`; failure comes back through ActionExecutor.linkClosed. */
  connectToLeader(leader: number): void;
  closeLink(peer: number): void;
  /** A SNAP packet at `zxid` carrying the applied state, which is exactly the state after `zxid`. */
  sendSnapshot(to: number, zxid: bigint): void;
  /** Start a disk action behind every earlier one; report it durable through ActionExecutor.diskDone. */
  persist(action: DiskAction): void;
  /** Apply, in order, every logged transaction up to `zxid` not yet applied. */
  commit(zxid: bigint): void;
  serving(epoch: bigint): void;
  stateChanged(state: PeerStateName, leader: number | null, reason: string | undefined): void;
  configActivated(change: ConfigChange): void;
  leaderReceivedRequest(from: number, data: Buffer, authinfo: Id[]): void;
  learnerPing(from: number, data: Buffer): void;
  revalidateSession(from: number, data: Buffer): void;
  sessionRevalidated(data: Buffer): void;
  syncDone(): void;
  /** Call ActionExecutor.tick at `deadline` (replacing an earlier schedule); null: the peer has no deadline now. */
  scheduleTick(deadline: number | null): void;
}

/**
 * Feeds one QuorumPeer and carries out what it asks, in the order asked: actions caused while others run (a forwarded
 * request proposed at once, say) queue behind them and never jump ahead. After each input the next tick is scheduled.
 */
export class ActionExecutor {
  private readonly queue: PeerAction[] = [];
  private draining = false;
  private stopped = false;

  constructor(
    readonly peer: QuorumPeer,
    private readonly env: PeerEnvironment,
  ) {}

  // ---- inputs: each hands the peer's output to run() ----

  start(durable: DurableState): void {
    this.run(this.peer.start(this.env.now(), durable));
  }

  receiveNotification(from: number, notification: Notification): void {
    this.run(this.peer.receiveNotification(from, notification, this.env.now()));
  }

  receivePacket(from: number, packet: QuorumPacket): void {
    this.run(this.peer.receivePacket(from, packet, this.env.now()));
  }

  linkClosed(peer: number): void {
    this.run(this.peer.linkClosed(peer, this.env.now()));
  }

  diskDone(ticket: number): void {
    this.run(this.peer.diskDone(ticket, this.env.now()));
  }

  tick(): void {
    this.run(this.peer.tick(this.env.now()));
  }

  /** Leader only: the zxid given to `data`, or null when this member cannot propose now. */
  propose(data: Buffer, expectedZxid?: bigint): bigint | null {
    const { zxid, actions } = this.peer.propose(data, expectedZxid, this.env.now());
    this.run(actions);
    return zxid;
  }

  /** Learner only: false when the leader link cannot take requests now. */
  forwardRequest(data: Buffer, authinfo: Id[] | null = null): boolean {
    const { accepted, actions } = this.peer.forwardRequest(data, authinfo);
    this.run(actions);
    return accepted;
  }

  /** Learner only: false when the leader link cannot take requests now. */
  revalidateSession(data: Buffer): boolean {
    const { accepted, actions } = this.peer.revalidateSession(data);
    this.run(actions);
    return accepted;
  }

  answerRevalidation(to: number, data: Buffer): void {
    this.run(this.peer.answerRevalidation(to, data));
  }

  sync(from: number | null): void {
    this.run(this.peer.sync(from));
  }

  /** The member is gone (stopped or crashed): nothing more is carried out or scheduled. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  private run(actions: PeerAction[]): void {
    if (this.stopped) return;
    this.queue.push(...actions);
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0 && !this.stopped) this.execute(this.queue.shift()!);
    } finally {
      this.draining = false;
    }
    if (!this.stopped) this.env.scheduleTick(this.peer.nextDeadline());
  }

  private execute(action: PeerAction): void {
    const env = this.env;
    switch (action.kind) {
      case 'sendNotification':
        return env.sendNotification(action.to, action.notification);
      case 'sendPacket':
        return env.sendPacket(action.to, action.packet);
      case 'connectToLeader':
        return env.connectToLeader(action.leader);
      case 'closeLink':
        return env.closeLink(action.peer);
      case 'sendSnapshot':
        return env.sendSnapshot(action.to, action.zxid);
      case 'commit':
        return env.commit(action.zxid);
      case 'serving':
        return env.serving(action.epoch);
      case 'state':
        return env.stateChanged(action.state, action.leader, action.reason);
      case 'configActivated':
        return env.configActivated(action.change);
      case 'leaderReceivedRequest':
        return env.leaderReceivedRequest(action.from, action.data, action.authinfo);
      case 'learnerPing':
        return env.learnerPing(action.from, action.data);
      case 'revalidateSession':
        return env.revalidateSession(action.from, action.data);
      case 'sessionRevalidated':
        return env.sessionRevalidated(action.data);
      case 'syncDone':
        return env.syncDone();
      case 'persistAcceptedEpoch':
      case 'persistCurrentEpoch':
      case 'logTxns':
      case 'truncateLog':
      case 'installSnapshot':
        return env.persist(action);
      default:
        return unreachable(action);
    }
  }
}

function unreachable(action: never): never {
  throw new Error(`unknown peer action ${JSON.stringify(action)}`);
}
