// Renders one member's zoo.cfg. Every member sees the others at the proxy ports of its own outgoing links, so the
// supervisor sits on every quorum and election connection; only its own server.N line names its real ports.
import type { MemberPorts, MemberRole } from './types.js';
import { LOOPBACK } from './portAllocator.js';
import type { IngressPorts } from './sharedMembership.js';

export interface MemberLayout {
  id: number;
  role: MemberRole;
  ports: MemberPorts;
  /** Where the membership text of a reconfig lists the member (Paddock engine only); see sharedMembership.ts. */
  ingress?: IngressPorts;
}

export interface LinkLayout {
  from: number;
  to: number;
  quorumProxyPort: number;
  electionProxyPort: number;
}

export interface ConfigSettings {
  tickTime: number;
  initLimit: number;
  syncLimit: number;
  extraConfig: Record<string, string | number | boolean>;
}

/**
 * fastleader.maxNotificationInterval for every member of a local cluster, Paddock or Apache (both read it from
 * zoo.cfg). ZooKeeper's 60 s default lets a member cut off by isolate() back off so far that it sits LOOKING for up
 * to a minute after heal(); 5 s keeps fault-injection experiments responsive. extraConfig may override it.
 */
export const clusterMaxNotificationIntervalMs = 5_000;

function serverLine(role: MemberRole, quorumPort: number, electionPort: number): string {
  return `${LOOPBACK}:${quorumPort}:${electionPort}${role === 'observer' ? ':observer' : ''}`;
}

export function renderZooCfg(
  member: MemberLayout,
  dataDir: string,
  members: readonly MemberLayout[],
  links: readonly LinkLayout[],
  settings: ConfigSettings,
): string {
  const entries: Record<string, string | number | boolean> = {
    tickTime: settings.tickTime,
    initLimit: settings.initLimit,
    syncLimit: settings.syncLimit,
    dataDir,
    clientPort: member.ports.client,
    clientPortAddress: LOOPBACK,
    'admin.enableServer': true,
    'admin.serverAddress': LOOPBACK,
    'admin.serverPort': member.ports.admin,
    '4lw.commands.whitelist': '*',
    'fastleader.maxNotificationInterval': clusterMaxNotificationIntervalMs,
  };
  // One voter and no observers is a standalone server; anything else needs server.N lines.
  if (members.length > 1) {
    if (member.role === 'observer') entries.peerType = 'observer';
    for (const other of [...members].sort((a, b) => a.id - b.id)) {
      if (other.id === member.id) {
        entries[`server.${other.id}`] = serverLine(other.role, other.ports.quorum, other.ports.election);
        continue;
      }
      const link = links.find((l) => l.from === member.id && l.to === other.id);
      if (link === undefined) throw new Error(`no link from member ${member.id} to member ${other.id}`);
      entries[`server.${other.id}`] = serverLine(other.role, link.quorumProxyPort, link.electionProxyPort);
    }
  }
  Object.assign(entries, settings.extraConfig);
  const lines = Object.entries(entries).map(([key, value]) => `${key}=${String(value)}`);
  return `# Written by the Paddock local-cluster supervisor; peers are listed at its proxy ports.\n${lines.join('\n')}\n`;
}
