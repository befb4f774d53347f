// Which containers and TTL nodes are due for removal, by ZooKeeper's ContainerManager rules: an empty container
// that once had children (or, if configured, one never used for long enough), and an empty TTL node whose TTL has
// passed since its last change. Pure: the caller supplies `now` and issues the deleteContainer requests.
import { ttlFromEphemeralOwner } from '../protocol/constants.js';
import type { DataTree } from './dataTree.js';

export function containerCandidates(tree: DataTree, now: bigint, maxNeverUsedIntervalMs: bigint): string[] {
  const candidates: string[] = [];
  for (const path of tree.containers()) {
    const node = tree.getNode(path);
    if (!node || node.children.size > 0) continue;
    // The stored cversion counts child creations: above zero, the container has served its purpose.
    if (node.cversion > 0) candidates.push(path);
    else if (maxNeverUsedIntervalMs !== 0n && now - node.mtime > maxNeverUsedIntervalMs) candidates.push(path);
  }
  for (const path of tree.ttlNodes()) {
    const node = tree.getNode(path);
    if (!node || node.children.size > 0) continue;
    const ttl = ttlFromEphemeralOwner(node.ephemeralOwner);
    if (ttl !== undefined && ttl !== 0n && now - node.mtime > ttl) candidates.push(path);
  }
  return candidates;
}
