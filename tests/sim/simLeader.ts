// The leader's side of a simulated member, as the server's request pipeline does it: the real RequestPreparer turns a
// client write into the txn (errors included) against the member's own DataTree plus the pending overlay, stamped with
// the zxid the core will give it; the real SessionTracker keeps session deadlines and reports the expired ones.
import { ErrorCode, OpCode } from '../../node-core/protocol/index.js';
import { SessionTracker } from '../../node-core/server/sessionTracker.js';
import type { DataTree } from '../../node-core/tree/dataTree.js';
import type { ApplyResult } from '../../node-core/txn/applyTxn.js';
import { RequestPreparer, type WriteRequest } from '../../node-core/txn/prepRequest.js';
import { makeZxid } from '../../node-core/consensus/index.js';
import { encodeSimEntry } from './simReplica.js';

/** cxid of the closeSession a leader issues for an expired session (clients count from 0 up). */
export const expiryCxid = -2;

export class SimLeader {
  private readonly preparer: RequestPreparer;
  private readonly tracker: SessionTracker;
  private lastProposed: bigint;

  constructor(
    readonly tree: DataTree,
    sessions: ReadonlyMap<bigint, number>,
    epoch: bigint,
    tickTime: number,
    memberId: number,
    now: number,
    /** Whether the learners synced with this leader form a quorum of the given voters (a reconfig's precondition). */
    isQuorumSynced: (voters: readonly number[]) => boolean,
  ) {
    this.tracker = new SessionTracker(tickTime, memberId, now);
    // A new leader gives every session it knows of a full timeout from now, as ZooKeeper's does.
    for (const [sessionId, timeout] of sessions) this.tracker.add(sessionId, timeout, now);
    this.preparer = new RequestPreparer(tree, {
      extendedTypesEnabled: false,
      skipAcl: true,
      reconfigEnabled: true,
      isQuorumSynced,
      checkSession: (sessionId) => {
        const session = this.tracker.get(sessionId);
        return session !== undefined && !session.closing ? ErrorCode.ok : ErrorCode.sessionExpired;
      },
    });
    this.lastProposed = makeZxid(epoch, 0n);
  }

  /**
   * Prepares `request` and hands the entry to `propose`, which returns the zxid the core gave it (null: this member
   * can no longer propose, and the caller must stop leading).
   */
  submit(request: WriteRequest, now: number, propose: (entry: Buffer, zxid: bigint) => bigint | null): boolean {
    if (request.type === OpCode.createSession) {
      this.tracker.add(request.sessionId, (request.body as { timeOut: number }).timeOut, now);
    } else {
      this.tracker.touch(request.sessionId, now);
    }
    const zxid = this.lastProposed + 1n;
    const { header, txn } = this.preparer.prepare(request, zxid, BigInt(now));
    if (propose(encodeSimEntry(header, txn), zxid) === null) return false;
    this.lastProposed = zxid;
    return true;
  }

  /** The leader applied a txn: the overlay forgets it and a closed session leaves the tracker. */
  applied(result: ApplyResult): void {
    this.preparer.applied(result.zxid);
    if (result.closedSession !== undefined) {
      this.preparer.sessionClosed(result.closedSession);
      this.tracker.remove(result.closedSession);
    }
  }

  /** closeSession requests for the sessions whose deadline passed (each reported once). */
  expired(now: number): WriteRequest[] {
    return this.tracker.expire(now).map((session) => ({
      sessionId: session.sessionId,
      cxid: expiryCxid,
      type: OpCode.closeSession,
      body: null,
      authInfo: [],
    }));
  }
}
