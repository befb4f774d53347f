// Tracks live sessions and their deadlines in tickTime-sized buckets, as ZooKeeper's ExpiryQueue does, so that one
// timer per tick expires every session that went quiet. No I/O and no clock: callers pass `now`.

export interface TrackedSession {
  sessionId: bigint;
  timeout: number;
  /** Bucket time (ms) at which the session expires unless touched. */
  expiresAt: number;
  closing: boolean;
}

export class SessionTracker {
  private readonly sessions = new Map<bigint, TrackedSession>();
  private readonly buckets = new Map<number, Set<bigint>>();
  private nextSessionId: bigint;

  constructor(
    private readonly tickTime: number,
    serverId: number,
    now: number,
  ) {
    // ZooKeeper's layout: the server id in the top byte and the start time below it, so ids from different
    // members and different runs do not collide.
    let sid = (BigInt(now) << 24n) & 0xffffffffffffffffn;
    sid >>= 8n;
    sid |= BigInt(serverId & 0xff) << 56n;
    this.nextSessionId = BigInt.asIntN(64, sid);
    if (this.nextSessionId === -0x8000000000000000n) this.nextSessionId++;
  }

  private bucketFor(time: number): number {
    return (Math.floor(time / this.tickTime) + 1) * this.tickTime;
  }

  allocateSessionId(): bigint {
    return this.nextSessionId++;
  }

  /** Registers (or re-registers after recovery) a session and starts its clock. */
  add(sessionId: bigint, timeout: number, now: number): TrackedSession {
    const existing = this.sessions.get(sessionId);
    if (existing) {
      existing.timeout = timeout;
      this.touch(sessionId, now);
      return existing;
    }
    const session: TrackedSession = { sessionId, timeout, expiresAt: 0, closing: false };
    this.sessions.set(sessionId, session);
    this.move(session, this.bucketFor(now + timeout));
    return session;
  }

  get(sessionId: bigint): TrackedSession | undefined {
    return this.sessions.get(sessionId);
  }

  has(sessionId: bigint): boolean {
    return this.sessions.has(sessionId);
  }

  /** Extends a live session's deadline; false when the session is gone or closing. */
  touch(sessionId: bigint, now: number): boolean {
    const session = this.sessions.get(sessionId);
    if (!session || session.closing) return false;
    const bucket = this.bucketFor(now + session.timeout);
    if (bucket > session.expiresAt) this.move(session, bucket);
    return true;
  }

  markClosing(sessionId: bigint): void {
    const session = this.sessions.get(sessionId);
    if (session) session.closing = true;
  }

  remove(sessionId: bigint): void {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    this.buckets.get(session.expiresAt)?.delete(sessionId);
    this.sessions.delete(sessionId);
  }

  /** Sessions whose bucket has passed; they are marked closing so they are returned once. */
  expire(now: number): TrackedSession[] {
    const expired: TrackedSession[] = [];
    for (const [bucket, ids] of this.buckets) {
      if (bucket > now) continue;
      for (const id of ids) {
        const session = this.sessions.get(id);
        if (session && !session.closing) {
          session.closing = true;
          expired.push(session);
        }
      }
      this.buckets.delete(bucket);
    }
    return expired;
  }

  /** Forgets every session (a learner that installed its leader's snapshot takes the sessions from it). */
  clearAll(): void {
    this.sessions.clear();
    this.buckets.clear();
  }

  all(): TrackedSession[] {
    return [...this.sessions.values()];
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Session ids and timeouts, for snapshots. */
  timeouts(): Map<bigint, number> {
    const result = new Map<bigint, number>();
    for (const s of this.sessions.values()) result.set(s.sessionId, s.timeout);
    return result;
  }

  private move(session: TrackedSession, bucket: number): void {
    if (session.expiresAt) this.buckets.get(session.expiresAt)?.delete(session.sessionId);
    session.expiresAt = bucket;
    let ids = this.buckets.get(bucket);
    if (!ids) {
      ids = new Set();
      this.buckets.set(bucket, ids);
    }
    ids.add(session.sessionId);
  }
}
