// The ensemble's membership as ZooKeeper's QuorumVerifier prints it (`server.N=host:q:e:role[;client]` lines and
// `version=<hex>`), the text /zookeeper/config holds and reconfig transactions carry. Pure: parsing, rendering and
// the voter/observer split that quorum calculations use.

export type MemberRole = 'participant' | 'observer';

export interface QuorumMember {
  id: number;
  /** The server spec as written after `server.N=`, normalised to carry its role (`host:q:e:role[;client]`). */
  spec: string;
  role: MemberRole;
}

export interface QuorumConfig {
  /** Sorted by id. */
  members: QuorumMember[];
  /** The zxid of the reconfig that made it; 0 for a configuration read from static server.N lines. */
  version: bigint;
}

/** What the consensus core needs from a committed configuration: who votes, who observes, and the text itself. */
export interface ConfigChange {
  voters: number[];
  observers: number[];
  version: bigint;
  /** The membership text (QuorumVerifier.toString()) NEWLEADER and notifications carry. */
  configData: Buffer;
}

export class QuorumConfigError extends Error {}

/** Splits the server part of a spec (`host:q:e[:role]`), keeping an `[ipv6]` host whole. */
function serverParts(serverPart: string): string[] {
  const text = serverPart.trim();
  if (!text.startsWith('[')) return text.split(':');
  const close = text.indexOf(']');
  if (close < 0) throw new QuorumConfigError(`"${text}" starts with '[' but has no matching ']'`);
  const rest = text.slice(close + 1);
  return [text.slice(0, close + 1), ...(rest === '' ? [] : rest.slice(1).split(':'))];
}

/** Parses one `server.N` value; the role defaults to participant, as in ZooKeeper. */
export function parseMemberSpec(id: number, value: string): QuorumMember {
  const [serverPart = '', clientPart, ...extra] = value.split(';');
  if (extra.length > 0) throw new QuorumConfigError(`server.${id}: "${value}" has more than one ';'`);
  const parts = serverParts(serverPart);
  if (parts.length < 3 || parts.length > 4 || parts[0] === '') {
    throw new QuorumConfigError(`server.${id}: "${value}" does not have the form host:quorumPort:electionPort[:role][;[clientHost:]clientPort]`);
  }
  for (const port of [parts[1], parts[2]]) {
    const n = Number(port);
    if (!/^\d+$/.test(port ?? '') || n < 1 || n > 65535) throw new QuorumConfigError(`server.${id}: "${port}" is not a port`);
  }
  const roleText = (parts[3] ?? 'participant').trim().toLowerCase();
  if (roleText !== 'participant' && roleText !== 'observer') throw new QuorumConfigError(`server.${id}: unknown role "${parts[3]}"`);
  const role: MemberRole = roleText;
  let spec = `${parts[0]}:${parts[1]}:${parts[2]}:${role}`;
  if (clientPart !== undefined && clientPart.trim() !== '') {
    const client = clientPart.trim();
    const clientPort = client.slice(client.lastIndexOf(':') + 1);
    if (!/^\d+$/.test(clientPort)) throw new QuorumConfigError(`server.${id}: "${client}" is not a client address`);
    // ZooKeeper prints a bare client port with the wildcard address
    spec += `;${client.includes(':') ? client : `0.0.0.0:${client}`}`;
  }
  return { id, spec, role };
}

/** Parses `server.N=...` and `version=hex` lines (newline or comma separated); other keys are refused. */
export function parseQuorumConfig(text: string): QuorumConfig {
  const byId = new Map<number, QuorumMember>();
  let version = 0n;
  for (const raw of text.split(/[\n,]/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new QuorumConfigError(`"${line}" is not key=value`);
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key === 'version') {
      if (!/^[0-9a-fA-F]+$/.test(value)) throw new QuorumConfigError(`version "${value}" is not hexadecimal`);
      version = BigInt(`0x${value}`);
      continue;
    }
    const match = /^server\.(\d+)$/.exec(key);
    if (match === null) throw new QuorumConfigError(`unexpected key "${key}" in a dynamic configuration`);
    const id = Number(match[1]);
    byId.set(id, parseMemberSpec(id, value));
  }
  return { members: [...byId.values()].sort((a, b) => a.id - b.id), version };
}

/** QuorumMaj.toString(): members in id order, then the version in hex, no trailing newline. */
export function renderQuorumConfig(config: QuorumConfig): string {
  return [...config.members.map((m) => `server.${m.id}=${m.spec}`), `version=${config.version.toString(16)}`].join('\n');
}

/** The dynamic configuration file's body (zoo.cfg.dynamic.<version>): the member lines without the version. */
export function renderDynamicConfigFile(config: QuorumConfig): string {
  return config.members.map((m) => `server.${m.id}=${m.spec}\n`).join('');
}

export function votersOf(config: QuorumConfig): number[] {
  return config.members.filter((m) => m.role === 'participant').map((m) => m.id);
}

export function observersOf(config: QuorumConfig): number[] {
  return config.members.filter((m) => m.role === 'observer').map((m) => m.id);
}

export function configChangeOf(config: QuorumConfig): ConfigChange {
  return {
    voters: votersOf(config),
    observers: observersOf(config),
    version: config.version,
    configData: Buffer.from(renderQuorumConfig(config)),
  };
}
