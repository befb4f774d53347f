// The membership text the supervisor gives a Paddock ensemble through reconfig, and the per-member fix-up of the
// copy each member stores. The text is replicated, so it must read the same for everyone: it lists every member at
// its ingress routers (see ingressRouter.ts), which hand each connection to the right link proxy. A member's own
// line must name its real ports though, or after a restart it would try to listen on its router's port; so before a
// member starts, the supervisor rewrites its own line in its newest stored zoo.cfg.dynamic.<version>.
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { LOOPBACK } from './portAllocator.js';
import type { MemberPorts, MemberRole } from './types.js';

export interface IngressPorts {
  quorum: number;
  election: number;
}

export interface SharedMember {
  id: number;
  role: MemberRole;
  client: number;
  ingress: IngressPorts;
}

function spec(role: MemberRole, quorum: number, election: number, client: number): string {
  return `${LOOPBACK}:${quorum}:${election}:${role};${LOOPBACK}:${client}`;
}

/** `server.N=...` entries for reconfig's newMembers (comma separated), every member at its ingress ports. */
export function sharedMembershipText(members: readonly SharedMember[]): string {
  return [...members]
    .sort((a, b) => a.id - b.id)
    .map((m) => `server.${m.id}=${spec(m.role, m.ingress.quorum, m.ingress.election, m.client)}`)
    .join(',');
}

const DYNAMIC_FILE = /^zoo\.cfg\.dynamic\.([0-9a-f]+)$/;

function newestDynamicFile(dataDir: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return undefined;
  }
  let best: { name: string; version: bigint } | undefined;
  for (const name of names) {
    const match = DYNAMIC_FILE.exec(name);
    if (match === null) continue;
    const version = BigInt(`0x${match[1]}`);
    if (best === undefined || version > best.version) best = { name, version };
  }
  return best === undefined ? undefined : join(dataDir, best.name);
}

/**
 * Points the member's own line of its newest stored membership at its real ports (keeping role and client port);
 * returns false when there is no stored membership or it does not list the member (it was removed).
 */
export function localizeStoredMembership(dataDir: string, id: number, role: MemberRole, ports: MemberPorts): boolean {
  const path = newestDynamicFile(dataDir);
  if (path === undefined) return false;
  const lines = readFileSync(path, 'utf8').split('\n');
  const own = `server.${id}=`;
  const index = lines.findIndex((line) => line.trim().startsWith(own));
  if (index < 0) return false;
  const wanted = `${own}${spec(role, ports.quorum, ports.election, ports.client)}`;
  if (lines[index]!.trim() === wanted) return true;
  lines[index] = wanted;
  // Written the way the member writes it (temporary file, fsync, rename): a crash must not leave half a membership.
  const temporary = `${path}.supervisor.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, lines.join('\n'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  return true;
}
