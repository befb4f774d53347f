// An ensemble member's share of session ownership, as ZooKeeper's SessionTracker.checkSession(id, owner) and
// REVALIDATE have it: the leader knows which member each session's client is connected to and refuses writes from
// any other (SessionMoved); a learner asks its leader before re-attaching a session and reports session activity in
// its PINGs.
import type { ActionExecutor } from '../../consensus/index.js';
import type { Logger } from '../../log/logger.js';
import { ErrorCode } from '../../protocol/index.js';
import type { SessionTracker } from '../sessionTracker.js';
import {
  decodeRevalidation,
  decodeRevalidationAnswer,
  encodeRevalidation,
  encodeRevalidationAnswer,
  encodeSessionTouches,
} from './forwardedRequest.js';

export interface MemberSessionsHost {
  readonly myId: number;
  readonly logger: Logger;
  isLeading(): boolean;
  sessions(): SessionTracker;
  executor(): ActionExecutor;
  stopServing(reason: string): void;
}

export class MemberSessions {
  private readonly touched = new Set<bigint>();
  /**
   * Leader: the member each global session's client is connected to (ZooKeeper's session owner), set by
   * REVALIDATE and by a session's first write; a write from any other member is SessionMoved.
   */
  private readonly owners = new Map<bigint, number>();
  /** Learner: reconnects waiting for the leader's REVALIDATE answer, by session. */
  private readonly revalidations = new Map<bigint, ((valid: boolean) => void)[]>();

  constructor(private readonly host: MemberSessionsHost) {}

  /** A client request on this member kept `sessionId` alive. */
  touch(sessionId: bigint): void {
    this.touched.add(sessionId);
  }

  /** Leader: a session created through `member`'s link is owned there. */
  ownedBy(sessionId: bigint, member: number): void {
    this.owners.set(sessionId, member);
  }

  /** A new leader knows no owners: each session's next REVALIDATE or write names it, as in ZooKeeper. */
  forgetOwners(): void {
    this.owners.clear();
  }

  /** The member stopped serving: reconnects still waiting are dropped with their connections. */
  forgetRevalidations(): void {
    this.revalidations.clear();
  }

  /** Leader: `owner` unset is a connection on this member. A session with no owner yet takes the first one. */
  checkOwner(sessionId: bigint, owner: number | undefined): number {
    if (!this.host.isLeading()) return ErrorCode.ok;
    const writer = owner ?? this.host.myId;
    const current = this.owners.get(sessionId);
    if (current === undefined) this.owners.set(sessionId, writer);
    else if (current !== writer) return ErrorCode.sessionMoved;
    return ErrorCode.ok;
  }

  /** A client re-attached a session here: the leader takes note at once; a learner asks its leader first. */
  revalidate(sessionId: bigint, timeout: number, done: (valid: boolean) => void): void {
    if (this.host.isLeading()) {
      this.owners.set(sessionId, this.host.myId);
      done(true);
      return;
    }
    const waiting = this.revalidations.get(sessionId);
    if (waiting !== undefined) {
      waiting.push(done);
      return;
    }
    this.revalidations.set(sessionId, [done]);
    if (!this.host.executor().revalidateSession(encodeRevalidation(sessionId, timeout))) {
      this.host.stopServing('the leader link is not ready to revalidate sessions');
    }
  }

  /** Leader: a learner's client re-attached `sessionId` there; if the session lives, that learner now owns it. */
  answerRevalidation(from: number, data: Buffer): void {
    let sessionId: bigint;
    try {
      sessionId = decodeRevalidation(data).sessionId;
    } catch {
      this.host.logger.warn(`malformed REVALIDATE from ${from}`);
      return;
    }
    const session = this.host.sessions().get(sessionId);
    const valid = session !== undefined && !session.closing;
    if (valid) {
      this.host.sessions().touch(sessionId, Date.now());
      this.owners.set(sessionId, from);
    }
    this.host.logger.debug(`Session 0x${sessionId.toString(16)} revalidated by ${from}: ${valid ? 'valid' : 'invalid'}`);
    this.host.executor().answerRevalidation(from, encodeRevalidationAnswer(sessionId, valid));
  }

  /** Learner: the leader's answer releases the reconnects waiting for it. */
  revalidated(data: Buffer): void {
    let answer: { sessionId: bigint; valid: boolean };
    try {
      answer = decodeRevalidationAnswer(data);
    } catch {
      this.host.logger.warn('malformed REVALIDATE answer from the leader');
      return;
    }
    const waiting = this.revalidations.get(answer.sessionId) ?? [];
    this.revalidations.delete(answer.sessionId);
    for (const done of waiting) done(answer.valid);
  }

  /** Learner: the sessions touched since the last call ride on the next PING; owners of closed sessions go. */
  reportTouches(): void {
    const sessions = this.host.sessions();
    for (const sessionId of this.owners.keys()) if (!sessions.has(sessionId)) this.owners.delete(sessionId);
    if (this.touched.size === 0 || this.host.isLeading()) {
      this.touched.clear();
      return;
    }
    const touches = [...this.touched].map((id) => ({ sessionId: id, timeout: sessions.get(id)?.timeout ?? 0 }));
    this.touched.clear();
    this.host.executor().peer.setPingPayload(encodeSessionTouches(touches));
  }
}
