// Where an ensemble member keeps the membership dynamic reconfiguration gave it: `<dataDir>/zoo.cfg.dynamic.<hex
// version>` files (ZooKeeper writes the same name next to zoo.cfg), the newest of which overrides the static
// server.N lines when the member starts again.
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseQuorumConfig, renderDynamicConfigFile, type QuorumConfig } from '../../consensus/quorumConfig.js';
import type { QuorumServerSpec } from '../config/zooCfg.js';

const filePattern = /^zoo\.cfg\.dynamic\.([0-9a-f]+)$/;

/** The newest dynamic configuration in `dataDir`, its version taken from the file name; null when there is none. */
export function readNewestDynamicConfig(dataDir: string): QuorumConfig | null {
  let names: string[];
  try {
    names = readdirSync(dataDir);
  } catch {
    return null;
  }
  let newest: { name: string; version: bigint } | null = null;
  for (const name of names) {
    const match = filePattern.exec(name);
    if (match === null) continue;
    const version = BigInt(`0x${match[1]}`);
    if (newest === null || version > newest.version) newest = { name, version };
  }
  if (newest === null) return null;
  const parsed = parseQuorumConfig(readFileSync(join(dataDir, newest.name), 'utf8'));
  return { members: parsed.members, version: newest.version };
}

/** Writes the file atomically and durably: a member must never restart with half a membership. */
export function writeDynamicConfig(dataDir: string, config: QuorumConfig): string {
  const name = `zoo.cfg.dynamic.${config.version.toString(16)}`;
  const target = join(dataDir, name);
  const temporary = `${target}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, renderDynamicConfigFile(config));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, target);
  const dir = openSync(dataDir, 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
  return target;
}

function splitHostPort(text: string): { host: string; port: number } {
  const colon = text.lastIndexOf(':');
  const host = text.slice(0, colon);
  return { host: host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host, port: Number(text.slice(colon + 1)) };
}

/** The server specs (as zoo.cfg would give them) of a configuration whose member specs are normalised. */
export function serverSpecsOf(config: QuorumConfig): QuorumServerSpec[] {
  return config.members.map((member) => {
    const [serverPart = '', clientPart] = member.spec.split(';');
    const fields = serverPart.split(':');
    const electionPort = Number(fields.at(-2));
    const quorumPort = Number(fields.at(-3));
    const rawHost = fields.slice(0, -3).join(':');
    const host = rawHost.startsWith('[') && rawHost.endsWith(']') ? rawHost.slice(1, -1) : rawHost;
    const spec: QuorumServerSpec = { id: member.id, host, quorumPort, electionPort, role: member.role };
    if (clientPart !== undefined) {
      const client = splitHostPort(clientPart);
      spec.clientHost = client.host;
      spec.clientPort = client.port;
    }
    return spec;
  });
}

/**
 * The server list a member runs with: the configuration's, plus its own static entry when a reconfig removed it
 * (it still needs its own addresses to listen on).
 */
export function serversWithSelf(config: QuorumConfig, previous: readonly QuorumServerSpec[], myId: number): QuorumServerSpec[] {
  const servers = serverSpecsOf(config);
  const self = previous.find((s) => s.id === myId);
  if (!servers.some((s) => s.id === myId) && self !== undefined) servers.push({ ...self, role: 'observer' });
  return servers;
}
