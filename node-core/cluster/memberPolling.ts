// What a local cluster asks its running members: srvr status and the election record on every poll, and the
// membership text (/zookeeper/config) while a reconfig settles.
import { ZkClient } from '../client/zkClient.js';
import type { MemberRecord } from './clusterLayout.js';
import { queryElection } from './electionStatus.js';
import { querySrvr } from './srvrStatus.js';

export async function configText(hostPort: string): Promise<string> {
  const client = await ZkClient.connect(hostPort, { connectTimeoutMs: 5000 });
  try {
    await client.sync('/zookeeper/config');
    return (await client.getData('/zookeeper/config')).data?.toString('utf8') ?? '';
  } finally {
    await client.close().catch(() => undefined);
  }
}

export interface PollTarget {
  pollIntervalMs: number;
  members: Map<number, MemberRecord>;
  reportsElections: boolean;
  warn: (warning: { id: number; message: string }) => void;
  changed: (m: MemberRecord) => void;
}

/** Asks every running member for its srvr status (and election record), and records the answers in its record. */
export async function pollMembers(target: PollTarget): Promise<void> {
  const timeoutMs = Math.max(200, Math.min(target.pollIntervalMs, 1000));
  await Promise.all(
    [...target.members.values()].map(async (m) => {
      const proc = m.proc;
      if (proc === undefined || m.processState !== 'running') return;
      const [status, election] = await Promise.all([
        querySrvr(m.layout.ports.client, timeoutMs),
        target.reportsElections ? queryElection(m.layout.ports.admin, timeoutMs) : undefined,
      ]);
      // the member may have been paused, stopped or restarted while the question was out
      if (m.proc !== proc || m.processState !== 'running') return;
      m.status = status;
      if (election !== undefined) m.election = election;
      if (status.mode === 'standalone' && target.members.size > 1 && !m.warnedStandalone) {
        m.warnedStandalone = true;
        target.warn({
          id: m.layout.id,
          message:
            `member ${m.layout.id} runs standalone although the cluster has ${target.members.size} members, ` +
            `so it does not replicate: check its zoo.cfg`,
        });
      }
      target.changed(m);
    }),
  );
}
