// How an ensemble member's shell follows dynamic reconfiguration: at start it takes the newest stored membership
// over the static server.N lines; when the core activates a new one it stores it and switches its server list.
import type { Logger } from '../../log/logger.js';
import { parseQuorumConfig, renderQuorumConfig, type ConfigChange } from '../../consensus/quorumConfig.js';
import type { ZooConfig } from '../config/zooCfgTypes.js';
import { readNewestDynamicConfig, serversWithSelf, writeDynamicConfig } from './dynamicConfigStore.js';

/** Replaces config.servers with the newest stored membership; returns its /zookeeper/config text, or null. */
export function adoptStoredMembership(config: ZooConfig, logger: Logger): Buffer | null {
  const stored = readNewestDynamicConfig(config.dataDir);
  if (stored === null) return null;
  config.servers = serversWithSelf(stored, config.servers, config.myid ?? -1);
  logger.info(`Using the dynamic configuration version ${stored.version.toString(16)} from ${config.dataDir}`);
  return Buffer.from(renderQuorumConfig(stored));
}

/** Stores `change` durably (throws on a disk error) and makes it the member's server list. */
export function activateMembership(config: ZooConfig, change: ConfigChange, myId: number, logger: Logger): void {
  const parsed = parseQuorumConfig(change.configData.toString('utf8'));
  const file = writeDynamicConfig(config.dataDir, parsed);
  config.servers = serversWithSelf(parsed, config.servers, myId);
  const observers = change.observers.length > 0 ? `, observers ${change.observers.join(',')}` : '';
  const removed = change.voters.includes(myId) || change.observers.includes(myId) ? '' : '; this member is no longer part of it';
  logger.info(`Configuration version ${change.version.toString(16)} in force: voters ${change.voters.join(',')}${observers} (${file})${removed}`);
}
