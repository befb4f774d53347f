// What the ZAB state machines ask their shell to do. Sends go to the quorum link of a peer; disk work carries a
// ticket the shell reports back once durable; everything else tells the local server what changed.
import type { QuorumPacket } from '../protocol/quorumPackets.js';
import type { Id } from '../protocol/records.js';
import type { Txn } from './history.js';

/**
 * Disk actions must be carried out in the order given, on one queue: reporting ticket N done promises that every
 * disk action with a smaller ticket is durable too. A failed disk write must stop the member (the shell restarts it
 * from what is durable); the core never continues after a lost write.
 */
export type DiskAction =
  | { kind: 'persistAcceptedEpoch'; epoch: bigint; ticket: number }
  | { kind: 'persistCurrentEpoch'; epoch: bigint; ticket: number }
  /** Append and fsync. */
  | { kind: 'logTxns'; txns: Txn[]; ticket: number }
  /** Drop every log entry after `zxid` (the entries are uncommitted: the applied state never includes them). */
  | { kind: 'truncateLog'; zxid: bigint; ticket: number }
  /**
   * Replace the whole local state with the leader's snapshot at `zxid` followed by `txns`, atomically: after a crash
   * the member must find either its old log and state or the new ones, never the snapshot without the txns (the old
   * log may hold committed transactions the snapshot predates). `snapshot` null: the snapshot came on the link after
   * the SNAP packet (ZooKeeper's wire form) and the shell's link layer has already decoded it.
   */
  | { kind: 'installSnapshot'; zxid: bigint; snapshot: Buffer | null; txns: Txn[]; ticket: number };

export type ZabAction =
  | DiskAction
  | { kind: 'sendPacket'; to: number; packet: QuorumPacket }
  /** A learner opens its quorum link; packets for `leader` queue behind it. Failure comes back as linkClosed. */
  | { kind: 'connectToLeader'; leader: number }
  | { kind: 'closeLink'; peer: number }
  /**
   * Leader only: send `to` a SNAP packet with zxid `zxid` followed by a snapshot of the applied state, which is
   * exactly the state after `zxid` because commits are applied in the order they are emitted. Later packets to `to`
   * must follow it on the link.
   */
  | { kind: 'sendSnapshot'; to: number; zxid: bigint }
  /** Every logged transaction up to and including `zxid` is committed: apply, in order, those not yet applied. */
  | { kind: 'commit'; zxid: bigint }
  /** Start serving clients (leader: established; learner: UPTODATE). Leaving a role is reported by `state`. */
  | { kind: 'serving'; epoch: bigint }
  /**
   * Leader: a learner forwarded a client request (REQUEST packet payload, opaque here, and the client connection's
   * auth ids, which Java's Learner sends in the packet's authinfo).
   */
  | { kind: 'leaderReceivedRequest'; from: number; data: Buffer; authinfo: Id[] }
  /** Leader: a learner's PING carried session touches (opaque bytes from its shell). */
  | { kind: 'learnerPing'; from: number; data: Buffer }
  /**
   * Leader: a learner's client re-attached a session there (REVALIDATE payload, opaque here); the shell records
   * the new owner and answers with QuorumPeer.answerRevalidation.
   */
  | { kind: 'revalidateSession'; from: number; data: Buffer }
  /** Learner: the leader answered a REVALIDATE (payload opaque here). */
  | { kind: 'sessionRevalidated'; data: Buffer }
  /** The oldest outstanding sync request of this member is answered: everything before it is applied. */
  | { kind: 'syncDone' };

export interface ZabTimings {
  tickTime: number;
  /** Ticks allowed for discovery and synchronisation. */
  initLimit: number;
  /** Ticks a leader or learner may stay silent during broadcast. */
  syncLimit: number;
}

/** Hands out disk tickets and remembers which are durable; shared by every role of one member. */
export class DiskTickets {
  private nextTicket = 1;
  private durableTicket = 0;

  issue(): number {
    return this.nextTicket++;
  }

  complete(ticket: number): void {
    if (ticket > this.durableTicket) this.durableTicket = ticket;
  }

  isDurable(ticket: number): boolean {
    return ticket <= this.durableTicket;
  }

  get lastIssued(): number {
    return this.nextTicket - 1;
  }
}
