// Renders a config back to text: a zoo.cfg that Apache ZooKeeper can also read, and the `conf` four-letter word.
import * as path from 'node:path';
import { renderServerSpec } from '../../consensus/quorumConfig.js';
import { escapePropertyValue } from './javaProperties.js';
import { defaults } from './zooCfgKeys.js';
import type { ZooConfig } from './zooCfgTypes.js';

/**
 * Writes a zoo.cfg that parses back to an equivalent config. Keys use ZooKeeper's spelling, so Apache ZooKeeper can
 * read the file too (Paddock-only settings are emitted only when they differ from the defaults).
 */
export function renderZooCfg(config: ZooConfig): string {
  const d = defaults();
  const lines: string[] = ['# Written by Paddock; ZooKeeper zoo.cfg syntax.'];
  const put = (key: string, value: string | number | boolean) => lines.push(`${key}=${escapePropertyValue(String(value))}`);
  const putIf = <T>(key: string, value: T, def: T, render: (v: T) => string | number | boolean = (v) => String(v)) => {
    if (value !== def) put(key, render(value));
  };
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');

  put('tickTime', config.tickTime);
  put('initLimit', config.initLimit);
  put('syncLimit', config.syncLimit);
  putIf('connectToLearnerMasterLimit', config.connectToLearnerMasterLimit, d.connectToLearnerMasterLimit);
  put('dataDir', config.dataDir);
  if (config.dataLogDir !== config.dataDir) put('dataLogDir', config.dataLogDir);
  if (config.clientPort !== undefined) put('clientPort', config.clientPort);
  if (config.clientPortAddress !== undefined) put('clientPortAddress', config.clientPortAddress);
  if (config.secureClientPort !== undefined) put('secureClientPort', config.secureClientPort);
  if (config.secureClientPortAddress !== undefined) put('secureClientPortAddress', config.secureClientPortAddress);
  putIf('clientPortListenBacklog', config.clientPortListenBacklog, d.clientPortListenBacklog);
  if (config.observerMasterPort !== undefined) put('observerMasterPort', config.observerMasterPort);
  put('maxClientCnxns', config.maxClientCnxns);
  putIf('minSessionTimeout', config.minSessionTimeout, config.tickTime * 2);
  putIf('maxSessionTimeout', config.maxSessionTimeout, config.tickTime * 20);
  putIf('globalOutstandingLimit', config.globalOutstandingLimit, d.globalOutstandingLimit);
  putIf('nio.sessionlessCnxnTimeout', config.sessionlessCnxnTimeout, d.sessionlessCnxnTimeout);
  putIf('clientOutputBufferLimit', config.clientOutputBufferLimit, d.clientOutputBufferLimit);
  putIf('localSessionsEnabled', config.localSessionsEnabled, d.localSessionsEnabled);
  putIf('localSessionsUpgradingEnabled', config.localSessionsUpgradingEnabled, d.localSessionsUpgradingEnabled);
  putIf('snapCount', config.snapCount, d.snapCount);
  putIf('preAllocSize', config.preAllocSizeKb, d.preAllocSizeKb);
  putIf('forceSync', config.forceSync, d.forceSync, yesNo);
  putIf('skipACL', config.skipACL, d.skipACL, yesNo);
  putIf('autopurge.snapRetainCount', config.autopurge.snapRetainCount, d.autopurge.snapRetainCount);
  putIf('autopurge.purgeInterval', config.autopurge.purgeIntervalHours, d.autopurge.purgeIntervalHours);
  putIf('jute.maxbuffer', config.juteMaxBuffer, d.juteMaxBuffer);
  if (config.fourLetterWordWhitelist.length > 0) put('4lw.commands.whitelist', config.fourLetterWordWhitelist.join(','));
  putIf('admin.enableServer', config.admin.enableServer, d.admin.enableServer);
  putIf('admin.serverAddress', config.admin.serverAddress, d.admin.serverAddress);
  putIf('admin.serverPort', config.admin.serverPort, d.admin.serverPort);
  putIf('admin.commandURL', config.admin.commandURL, d.admin.commandURL);
  putIf('admin.idleTimeout', config.admin.idleTimeout, d.admin.idleTimeout);
  putIf('readonlymode.enabled', config.readOnlyModeEnabled, d.readOnlyModeEnabled);
  putIf('enforceQuota', config.enforceQuota, d.enforceQuota);
  if (config.superDigest !== undefined) put('DigestAuthenticationProvider.superDigest', config.superDigest);
  putIf('extendedTypesEnabled', config.extendedTypesEnabled, d.extendedTypesEnabled);
  const ssl = config.ssl;
  if (ssl.keyStoreLocation !== undefined) put('ssl.keyStore.location', ssl.keyStoreLocation);
  if (ssl.keyStorePassword !== undefined) put('ssl.keyStore.password', ssl.keyStorePassword);
  if (ssl.keyStoreType !== undefined) put('ssl.keyStore.type', ssl.keyStoreType);
  if (ssl.trustStoreLocation !== undefined) put('ssl.trustStore.location', ssl.trustStoreLocation);
  if (ssl.trustStorePassword !== undefined) put('ssl.trustStore.password', ssl.trustStorePassword);
  if (ssl.trustStoreType !== undefined) put('ssl.trustStore.type', ssl.trustStoreType);
  putIf('ssl.clientAuth', ssl.clientAuth, d.ssl.clientAuth);
  if (ssl.protocol !== undefined) put('ssl.protocol', ssl.protocol);
  if (ssl.enabledProtocols !== undefined) put('ssl.enabledProtocols', ssl.enabledProtocols.join(','));
  if (ssl.cipherSuites !== undefined) put('ssl.ciphersuites', ssl.cipherSuites.join(','));
  putIf('ssl.hostnameVerification', ssl.hostnameVerification, d.ssl.hostnameVerification);
  putIf('electionAlg', config.electionAlg, d.electionAlg);
  putIf('fastleader.maxNotificationInterval', config.fastleaderMaxNotificationInterval, d.fastleaderMaxNotificationInterval);
  putIf('peerType', config.peerType, d.peerType);
  putIf('paddock.sessionPasswords', config.sessionPasswords, d.sessionPasswords);
  putIf('standaloneEnabled', config.standaloneEnabled, d.standaloneEnabled);
  putIf('reconfigEnabled', config.reconfigEnabled, d.reconfigEnabled);
  putIf('quorumListenOnAllIPs', config.quorumListenOnAllIPs, d.quorumListenOnAllIPs);
  putIf('syncEnabled', config.syncEnabled, d.syncEnabled);
  for (const s of [...config.servers].sort((a, b) => a.id - b.id)) put(`server.${s.id}`, renderServerSpec(s));
  return lines.join('\n') + '\n';
}

export interface ConfCommandExtras {
  dataDirSize: number;
  dataLogSize: number;
  /** Present for an ensemble member that is serving; adds ZooKeeper's quorum section. */
  quorum?: { myid: number };
}

/** The `conf` four-letter word's text, in ZooKeeper 3.8's layout (ZooKeeperServer/QuorumZooKeeperServer.dumpConf). */
export function renderConfForConfCommand(config: ZooConfig, extras: ConfCommandExtras): string {
  // ZooKeeper prints its snapshot and log directories, which live under version-2.
  const snapDir = path.join(config.dataDir, 'version-2');
  const logDir = path.join(config.dataLogDir, 'version-2');
  const out: string[] = [
    `clientPort=${config.clientPort ?? 0}`,
    `secureClientPort=${config.secureClientPort ?? -1}`,
    `dataDir=${snapDir}`,
    `dataDirSize=${extras.dataDirSize}`,
    `dataLogDir=${logDir}`,
    `dataLogSize=${extras.dataLogSize}`,
    `tickTime=${config.tickTime}`,
    `maxClientCnxns=${config.maxClientCnxns}`,
    `minSessionTimeout=${config.minSessionTimeout}`,
    `maxSessionTimeout=${config.maxSessionTimeout}`,
    `clientPortListenBacklog=${config.clientPortListenBacklog}`,
    `serverId=${extras.quorum?.myid ?? config.myid ?? 0}`,
  ];
  if (extras.quorum !== undefined) {
    const me = config.servers.find((s) => s.id === extras.quorum?.myid);
    out.push(`initLimit=${config.initLimit}`);
    out.push(`syncLimit=${config.syncLimit}`);
    out.push(`electionAlg=${config.electionAlg}`);
    out.push(`electionPort=${me?.electionPort ?? -1}`);
    out.push(`quorumPort=${me?.quorumPort ?? -1}`);
    // LearnerType ordinal: PARTICIPANT 0, OBSERVER 1.
    out.push(`peerType=${(me?.role ?? config.peerType) === 'observer' ? 1 : 0}`);
    out.push('membership: ');
    const members = [...config.servers].sort((a, b) => a.id - b.id);
    // QuorumMaj.toString has no trailing newline after version, and dumpConf uses print, not println.
    const membership = members.map((s) => {
      return `server.${s.id}=${renderServerSpec(s)}\n`;
    });
    return out.join('\n') + '\n' + membership.join('') + 'version=0';
  }
  return out.join('\n') + '\n';
}
