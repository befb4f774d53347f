// Where an ensemble member keeps the membership dynamic reconfiguration gave it: `<dataDir>/zoo.cfg.dynamic.<hex
// version>` files (ZooKeeper writes the same name next to zoo.cfg), the newest of which overrides the static
// server.N lines when the member starts again.
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parseQuorumConfig, parseServerSpec, renderDynamicConfigFile, type QuorumConfig, type ServerSpec } from '../../consensus/quorumConfig.js';

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

/** The server specs (as zoo.cfg would give them) of a configuration. */
export function serverSpecsOf(config: QuorumConfig): ServerSpec[] {
  return config.members.map((member) => parseServerSpec(member.id, member.spec));
}

/**
 * The server list a member runs with: the configuration's, plus its own static entry when a reconfig removed it
 * (it still needs its own addresses to listen on).
 */
export function serversWithSelf(config: QuorumConfig, previous: readonly ServerSpec[], myId: number): ServerSpec[] {
  const servers = serverSpecsOf(config);
  const self = previous.find((s) => s.id === myId);
  if (!servers.some((s) => s.id === myId) && self !== undefined) servers.push({ ...self, role: 'observer' });
  return servers;
}
