// How an ensemble shares its session secret (paddock.sessionPasswords=ensembleSecret): a leader whose secret is in
// force sends it to each learner in a Paddock-only quorum packet during sync, right before NEWLEADER; the learner
// adopts and persists it before it acknowledges NEWLEADER, so before it serves. A learner whose leader sends none
// (Apache ZooKeeper, or Paddock in zookeeper mode) uses ZooKeeper's passwords while it follows that leader.
import type { Logger } from '../../log/logger.js';
import { quorumPacket, type QuorumPacket } from '../../protocol/quorumPackets.js';
import { decodeSessionSecret, encodeSessionSecret, SessionSecretFormatError } from '../../storage/sessionSecretFile.js';
import type { SessionPasswords } from '../sessionPasswords.js';
import { OpCode } from '../../protocol/index.js';
import { decodeTxnEntry } from '../../txn/txnRecords.js';

/**
 * Far from ZooKeeper's packet types (1-19). It goes after DIFF/TRUNC/SNAP, where Apache's Learner.syncWithLeader
 * skips a type it does not know, so an Apache learner of a misconfigured mixed ensemble is not thrown off.
 */
export const SESSION_SECRET_PACKET = 0x5044_0001;

export interface SessionSecretSyncOptions {
  passwords: SessionPasswords;
  logger: Logger;
  /** The sessions live at this moment, including those of logged transactions not yet applied. */
  liveSessions: () => Iterable<bigint>;
  /** The member's current leader (null while looking or leading). */
  leaderId: () => number | null;
  /** Queues a write of the record on the member's disk queue, ahead of the sync's own disk work. */
  persist: () => void;
}

export class SessionSecretSync {
  private leaderSentSecret = false;

  constructor(private readonly options: SessionSecretSyncOptions) {}

  /** A new state: what an earlier leader sent no longer counts; a member that starts leading takes charge. */
  stateChanged(state: string): void {
    this.leaderSentSecret = false;
    const { passwords, liveSessions, persist } = this.options;
    if (state === 'leading' && passwords.takeCharge(liveSessions())) persist();
  }

  /** Leader: the packet that precedes NEWLEADER to every learner, if this leader's secret is in force. */
  packetBeforeNewLeader(): QuorumPacket | undefined {
    const record = this.options.passwords.shared;
    return record === undefined ? undefined : quorumPacket(SESSION_SECRET_PACKET, 0n, encodeSessionSecret(record));
  }

  /** Learner: takes a packet of ours (true) and leaves every other one to the core (false). */
  receive(from: number, packet: QuorumPacket): boolean {
    if (packet.type !== SESSION_SECRET_PACKET) return false;
    const { passwords, logger, leaderId, persist } = this.options;
    if (from !== leaderId()) {
      logger.warn(`ignored a session secret from server ${from}, which is not this member's leader`);
      return true;
    }
    try {
      if (passwords.adopt(decodeSessionSecret(packet.data ?? Buffer.alloc(0)))) persist();
      this.leaderSentSecret = true;
    } catch (error) {
      if (!(error instanceof SessionSecretFormatError)) throw error;
      logger.warn(`ignored a malformed session secret from leader ${from}: ${error.message}`);
    }
    return true;
  }

  /** Learner starts serving: without its leader's secret, ZooKeeper's passwords are in force. */
  servingAsLearner(): void {
    if (!this.leaderSentSecret && this.options.passwords.followWithoutSecret()) this.options.persist();
  }
}

/** The sessions of the applied state as changed by logged transactions not applied yet (a leader's log tail). */
export function liveSessionsAfter(applied: Iterable<bigint>, tail: readonly { data: Buffer }[]): Set<bigint> {
  const live = new Set(applied);
  for (const entry of tail) {
    const { header, txn } = decodeTxnEntry(entry.data);
    if (txn.type === OpCode.createSession) live.add(header.clientId);
    else if (txn.type === OpCode.closeSession) live.delete(header.clientId);
  }
  return live;
}
