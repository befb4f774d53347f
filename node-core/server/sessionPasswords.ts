// Which password a session gets and which a reconnecting client may present (paddock.sessionPasswords): under the
// ensemble's secret, or ZooKeeper's derivation from the session id. Keeps the secret record in memory and on disk.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import type { SessionPasswordMode } from './config/zooCfgTypes.js';
import { apacheSessionPassword, samePassword, secretSessionPassword } from './sessionPassword.js';
import {
  SESSION_SECRET_BYTES,
  readSessionSecretFile,
  writeSessionSecretFile,
  type SessionSecret,
} from '../storage/sessionSecretFile.js';

export class SessionPasswords {
  private record: SessionSecret | undefined;
  /** True while passwords are the secret's: a standalone server or leader in ensembleSecret mode, or its learners. */
  private secretInForce = false;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    readonly mode: SessionPasswordMode,
    private readonly dataDir: string,
    private readonly logger: Logger,
  ) {}

  /** Reads the record kept in dataDir (after the data dir itself was found usable, so a refusal writes nothing). */
  async load(): Promise<void> {
    this.record = await readSessionSecretFile(this.dataDir);
    // Until a sync says otherwise (a read-only member may serve before any), the secret last used here is in force.
    this.secretInForce = this.mode === 'ensembleSecret' && this.record !== undefined;
  }

  /** What a leader shares with its learners: the record, while its passwords are in force. */
  get shared(): SessionSecret | undefined {
    return this.secretInForce ? this.record : undefined;
  }

  /**
   * A standalone server, or a member that starts leading: in ensembleSecret mode it makes the secret if there is
   * none, and in either mode it decides which passwords are in force. Returns whether the record changed (persist).
   */
  takeCharge(liveSessions: Iterable<bigint>): boolean {
    if (this.mode === 'zookeeper') return this.useZooKeeperPasswords();
    this.secretInForce = true;
    const live = new Set(liveSessions);
    if (this.record === undefined) {
      // Sessions live now were given ZooKeeper's password (by Apache ZooKeeper on this data dir, or by Paddock in
      // zookeeper mode); refusing it would end them at their next reconnect, so it stays valid for them alone.
      this.record = { secret: randomBytes(SESSION_SECRET_BYTES), legacySessions: live, legacyListStale: false };
      this.logger.info(`Created the ensemble's session secret; ${live.size} live session(s) keep ZooKeeper's passwords until they close`);
      return true;
    }
    const before = this.record.legacySessions.size;
    if (this.record.legacyListStale) {
      this.record.legacySessions = live;
      this.record.legacyListStale = false;
      this.logger.info(`ZooKeeper's passwords were in use since the session secret was made: ${live.size} live session(s) keep them until they close`);
      return true;
    }
    this.record.legacySessions = new Set([...this.record.legacySessions].filter((id) => live.has(id)));
    return this.record.legacySessions.size !== before;
  }

  /** A learner whose leader shared its record: the leader's secret and legacy list replace ours. */
  adopt(record: SessionSecret): boolean {
    const same =
      this.record !== undefined &&
      this.record.secret.equals(record.secret) &&
      !this.record.legacyListStale &&
      this.record.legacySessions.size === record.legacySessions.size &&
      [...record.legacySessions].every((id) => this.record!.legacySessions.has(id));
    this.record = { ...record, legacyListStale: false };
    this.secretInForce = true;
    return !same;
  }

  /**
   * A learner whose leader shared no secret (an Apache ZooKeeper leader, or Paddock in zookeeper mode): every member
   * of the ensemble must accept a session's password, so ZooKeeper's are in force. Returns whether to persist.
   */
  followWithoutSecret(): boolean {
    if (this.mode === 'ensembleSecret') {
      this.logger.warn(
        "paddock.sessionPasswords is ensembleSecret but the leader shared no session secret (an Apache ZooKeeper leader, or a Paddock leader in zookeeper mode): using ZooKeeper's derivable passwords while following it",
      );
    }
    return this.useZooKeeperPasswords();
  }

  private useZooKeeperPasswords(): boolean {
    this.secretInForce = false;
    if (this.record === undefined || this.record.legacyListStale) return false;
    this.record.legacyListStale = true;
    return true;
  }

  /** The password a client gets for `sessionId`. */
  issue(sessionId: bigint): Buffer {
    const record = this.record;
    if (!this.secretInForce || record === undefined || record.legacySessions.has(sessionId)) return apacheSessionPassword(sessionId);
    return secretSessionPassword(record.secret, sessionId);
  }

  /** Whether a reconnecting client proved it owns `sessionId`. */
  accepts(sessionId: bigint, passwd: Buffer): boolean {
    if (sessionId === 0n) return false;
    const record = this.record;
    // A secret known here stays valid in zookeeper mode too, so sessions made under it survive a switch back.
    if (record !== undefined && samePassword(passwd, secretSessionPassword(record.secret, sessionId))) return true;
    const derivable = !this.secretInForce || record === undefined || record.legacySessions.has(sessionId);
    return derivable && samePassword(passwd, apacheSessionPassword(sessionId));
  }

  /** A session ended: if it was a legacy one, its id must never again be accepted with ZooKeeper's password. */
  sessionClosed(sessionId: bigint): void {
    if (this.record?.legacySessions.delete(sessionId)) {
      this.persist().catch((error: unknown) =>
        // The id is dropped in memory; a stale copy on disk only names a session that no longer exists.
        this.logger.warn(`could not rewrite the session secret file: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
  }

  /** Writes the record as it is now, after any write already under way (one file, one writer at a time). */
  persist(): Promise<void> {
    const write = this.writes.catch(() => undefined).then(() => (this.record ? writeSessionSecretFile(this.dataDir, this.record) : undefined));
    this.writes = write;
    return write;
  }
}
