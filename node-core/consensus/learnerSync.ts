// What a leader sends to bring one learner to its history (LearnerHandler.syncFollower): the DIFF, TRUNC or SNAP
// that starts it, then the entries the learner lacks, each committed one followed by its COMMIT.
import { QuorumPacketType as T, quorumPacket, type QuorumPacket } from '../protocol/quorumPackets.js';
import { planSync, type History } from './history.js';

export interface LearnerSync {
  kind: 'diff' | 'trunc' | 'snap';
  /** The DIFF or TRUNC packet that opens the sync; null for SNAP, whose snapshot the shell streams. */
  opening: QuorumPacket | null;
  /** SNAP only: the zxid of the state the snapshot must show. */
  snapshotZxid: bigint;
  /** How many logged entries the learner lacks (observers get only the committed ones). */
  txnCount: number;
  /** The PROPOSAL (and COMMIT) packets that follow the opening, in zxid order. */
  packets: QuorumPacket[];
}

/**
 * `initialHistoryEnd` is the leader's history when elected: it commits with NEWLEADER's quorum, so it counts as
 * committed for a learner joining now; later entries only as far as applied. Observers hear of a proposal only once
 * it commits (INFORM), so they get no outstanding ones.
 */
export function planLearnerSync(history: History, peerLastZxid: bigint, initialHistoryEnd: bigint, observer: boolean): LearnerSync {
  const commitPoint = initialHistoryEnd > history.applied ? initialHistoryEnd : history.applied;
  const plan = planSync(history, peerLastZxid);
  const opening =
    plan.kind === 'diff' ? quorumPacket(T.DIFF, commitPoint) : plan.kind === 'trunc' ? quorumPacket(T.TRUNC, plan.truncateTo) : null;
  const txns = plan.kind === 'snap' ? history.after(history.applied) : plan.txns;
  const packets: QuorumPacket[] = [];
  for (const txn of txns) {
    const committed = txn.zxid <= commitPoint;
    if (observer && !committed) break;
    packets.push(quorumPacket(T.PROPOSAL, txn.zxid, txn.data));
    if (committed) packets.push(quorumPacket(T.COMMIT, txn.zxid));
  }
  return { kind: plan.kind, opening, snapshotZxid: history.applied, txnCount: txns.length, packets };
}
