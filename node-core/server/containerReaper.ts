// ZooKeeper's ContainerManager settings as users put them in zoo.cfg (Java system properties there): how often the
// leader looks for empty containers and expired TTL nodes, and how many it removes a run.
import type { DataTree } from '../tree/dataTree.js';
import { containerCandidates } from '../tree/containerCandidates.js';
import type { ZooConfig } from './config/zooCfgTypes.js';

/** znode.container.checkIntervalMs (or its zookeeper.-prefixed name), 60 s unless a positive number is given. */
export function containerCheckIntervalMs(config: ZooConfig): number {
  const raw = config.raw['znode.container.checkIntervalMs'] ?? config.raw['zookeeper.znode.container.checkIntervalMs'];
  const value = Number(raw ?? 60_000);
  return Number.isFinite(value) && value > 0 ? value : 60_000;
}

/** The paths one run removes: at most znode.container.maxPerMinute per minute, spread over the runs. */
export function containersToReap(config: ZooConfig, tree: DataTree, now: number): string[] {
  const raw = config.raw;
  const maxNeverUsed = BigInt(Number(raw['znode.container.maxNeverUsedIntervalMs'] ?? 0) | 0);
  const maxPerMinute = Number(raw['znode.container.maxPerMinute'] ?? 10_000);
  const perRun = Math.max(1, Math.floor((maxPerMinute * containerCheckIntervalMs(config)) / 60_000));
  return containerCandidates(tree, BigInt(now), maxNeverUsed).slice(0, perRun);
}
