// Removing a local cluster from the GUI's side: its open connections are closed first (their sessions would only
// retry dead ports), then the backend stops the members and deletes the data, then the saved profiles that point at
// the cluster's members go too, since a later cluster may get the same ports and a stale profile would open it.
import { serverSetKey } from '../client/index.js';
import type { ClusterBackendRegistry } from './clusterBackend.js';
import type { ConnectionRegistry } from './connectionRegistry.js';
import type { ApiEvents, ClusterRemovalResult } from './contract.js';
import type { ProfileStore } from './profileStore.js';

export interface ClusterRemovalDeps {
  clusters: ClusterBackendRegistry;
  connections: ConnectionRegistry;
  profiles: ProfileStore;
  progress: (data: ApiEvents['cluster.removing']) => void;
}

function sameServers(connectString: string, key: string): boolean {
  try {
    return serverSetKey(connectString) === key;
  } catch {
    return false;
  }
}

export async function removeCluster(clusterId: string, deps: ClusterRemovalDeps): Promise<ClusterRemovalResult> {
  const owner = await deps.clusters.owner(clusterId);
  const info = (await deps.clusters.listAll()).find((c) => c.clusterId === clusterId);
  const key = info === undefined ? undefined : serverSetKey(info.connectString);
  const members = info?.members.length ?? 0;
  const closedConnections: string[] = [];
  if (key !== undefined) {
    deps.progress({ clusterId, stage: 'closingConnections', membersStopped: 0, members });
    for (const c of deps.connections.list()) {
      if (!sameServers(deps.connections.get(c.connectionId).profile.connectString, key)) continue;
      await deps.connections.close(c.connectionId).catch(() => undefined);
      closedConnections.push(c.profileName);
    }
  }
  await owner.remove(clusterId);
  const removedProfiles: string[] = [];
  if (key !== undefined) {
    for (const p of [...(await deps.profiles.list())]) {
      if (!sameServers(p.connectString, key)) continue;
      await deps.profiles.remove(p.id);
      removedProfiles.push(p.name);
    }
  }
  return { closedConnections, removedProfiles };
}
