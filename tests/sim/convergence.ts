// After the heal: when the simulated ensemble has converged (so the run can end at once), and what is wrong when it
// has not by the bound. Converged means every member serves, a request was acknowledged since the heal, and every
// member applied every acknowledged write.
import { zxidHex } from '../../node-core/consensus/index.js';
import type { ServingMember, SimRequestPath } from './simRequestPath.js';

/** 'traffic': keep the clients going; 'quiet': stop them so the members catch up; 'converged': the run may end. */
export function convergenceStage(members: readonly ServingMember[], requests: SimRequestPath, healedAt: number): 'traffic' | 'quiet' | 'converged' {
  if (!members.every((m) => m.alive && m.serving)) return 'traffic';
  const acked = requests.checkAcknowledged(healedAt);
  if (typeof acked === 'string') return 'converged'; // convergenceProblem reports it
  if (acked.healedAcks === 0) return 'traffic';
  return members.every((m) => m.store.lastAppliedZxid >= acked.lastAcked) ? 'converged' : 'quiet';
}

/** The first thing that keeps the ensemble from having converged `healedMs` after the heal, or null. */
export function convergenceProblem(members: readonly ServingMember[], requests: SimRequestPath, healedAt: number, healedMs: number): string | null {
  const acked = requests.checkAcknowledged(healedAt);
  if (typeof acked === 'string') return acked;
  for (const member of members) {
    if (!member.alive) continue;
    requests.checkFullDigest(member);
    if (!member.serving) return `member ${member.id} is not serving ${healedMs} ms after healing (${member.peer?.state})`;
    if (member.store.lastAppliedZxid < acked.lastAcked) {
      return `member ${member.id} applied up to ${zxidHex(member.store.lastAppliedZxid)}, missing acknowledged ${zxidHex(acked.lastAcked)}`;
    }
  }
  return acked.healedAcks === 0 ? 'no request was acknowledged after healing' : null;
}
