// The elections a member has been through, for the admin endpoint the GUI charts: when each started, when a
// leader was decided and when this member was serving again, with the winner and epoch.
import type { ElectionRecord } from '../../protocol/electionRecord.js';

const keep = 100;

export class ElectionHistory {
  private readonly list: ElectionRecord[] = [];
  private startedAt = 0;

  started(reason?: string): void {
    this.startedAt = Date.now();
    this.list.push({ started: new Date(this.startedAt).toISOString(), ...(reason ? { reason } : {}) });
    if (this.list.length > keep) this.list.shift();
  }

  decided(winner: number | null): void {
    const current = this.list.at(-1);
    if (!current || current.decided) return;
    current.decided = new Date().toISOString();
    if (winner !== null) current.winner = winner;
  }

  served(epoch: bigint, leader: number | null): void {
    const current = this.list.at(-1);
    if (!current || current.serving) return;
    current.serving = new Date().toISOString();
    current.durationMs = Date.now() - this.startedAt;
    current.epoch = String(epoch);
    if (leader !== null) current.winner = leader;
  }

  records(): ElectionRecord[] {
    return this.list.map((r) => ({ ...r }));
  }
}
