// Membership changes of a Paddock ensemble through `reconfig`: commits the new membership through a running member
// and waits until every running member shows it, so nobody has to restart.
import { ZkClient } from '../client/zkClient.js';
import type { MemberRecord } from './clusterLayout.js';
import { configText } from './memberPolling.js';
import { LOOPBACK } from './portAllocator.js';
import { sharedMembershipText } from './sharedMembership.js';
import { ClusterError } from './types.js';

const RECONFIG_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Commits `memberIds` (every one at its ingress routers) as the new membership through one of `via`, and waits
 * until each of them shows that version in /zookeeper/config.
 */
export async function commitMembership(
  record: (id: number) => MemberRecord,
  superPassword: string | undefined,
  memberIds: number[],
  via: number[],
): Promise<void> {
  const members = memberIds.map((id) => {
    const layout = record(id).layout;
    if (layout.ingress === undefined) throw new ClusterError(`member ${id} has no ingress ports; it cannot take part in a reconfig`);
    return { id, role: layout.role, client: layout.ports.client, ingress: layout.ingress };
  });
  const hosts = via.map((id) => `${LOOPBACK}:${record(id).layout.ports.client}`).join(',');
  if (hosts === '') throw new ClusterError('no running member to send the reconfig through');
  let version: bigint;
  const client = await ZkClient.connect(hosts, { connectTimeoutMs: RECONFIG_TIMEOUT_MS });
  try {
    await client.addAuth('digest', `super:${superPassword ?? ''}`);
    const reply = await client.reconfig({ newMembers: sharedMembershipText(members) });
    version = reply.stat.mzxid;
  } catch (error) {
    throw new ClusterError(`reconfig failed: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await client.close().catch(() => undefined);
  }
  const wanted = `version=${version.toString(16)}`;
  const deadline = Date.now() + RECONFIG_TIMEOUT_MS;
  for (const id of memberIds.filter((x) => record(x).proc !== undefined)) {
    const hostPort = `${LOOPBACK}:${record(id).layout.ports.client}`;
    for (;;) {
      const text = await configText(hostPort).catch(() => '');
      if (text.endsWith(wanted)) break;
      if (Date.now() > deadline) throw new ClusterError(`member ${id} did not take configuration ${version.toString(16)} in time`);
      await sleep(200);
    }
  }
}
