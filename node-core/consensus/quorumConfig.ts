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

/** One `server.N` entry, as zoo.cfg, /zookeeper/config and reconfig spell it: `host:q:e[:role][;[clientHost:]clientPort]`. */
export interface ServerSpec {
  id: number;
  /** Without the brackets an IPv6 address is written with. */
  host: string;
  quorumPort: number;
  electionPort: number;
  role: MemberRole;
  /** Only set when the entry carries `;[host:]port`; a bare port listens on every address (0.0.0.0). */
  clientHost?: string;
  clientPort?: number;
}

const serverForm = 'does not have the form host:quorumPort:electionPort[:participant|:observer][;[clientHost:]clientPort]';

/** Splits "host:port:port[:type]" honouring [ipv6] brackets, like ZooKeeper's ConfigUtils.getHostAndPort. */
function splitHostAndPorts(s: string): string[] {
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) throw new QuorumConfigError(`${s} starts with '[' but has no matching ']'`);
    const host = s.slice(1, close);
    const rest = s.slice(close + 1);
    if (rest === '') return [host];
    if (!rest.startsWith(':')) throw new QuorumConfigError(`${s} does not have : after ]`);
    return [host, ...rest.slice(1).split(':')];
  }
  return s.split(':');
}

/** Integer.parseInt, then the TCP port range. */
function parsePort(text: string | undefined): number {
  if (text === undefined || !/^[+-]?\d+$/.test(text)) throw new QuorumConfigError(`"${text ?? ''}" is not an integer`);
  const n = Number(text);
  if (n < 1 || n > 65535) throw new QuorumConfigError(`port ${n} is out of range 1-65535`);
  return n;
}

/** Parses one `server.N` value; the role defaults to participant, as in ZooKeeper. */
export function parseServerSpec(id: number, value: string): ServerSpec {
  const parts = value.split(';');
  if (parts.length > 2) throw new QuorumConfigError(`"${value}" ${serverForm}`);
  if (parts[0]!.includes('|')) throw new QuorumConfigError('multiple addresses per server (multiAddress) are not supported');
  const serverParts = splitHostAndPorts(parts[0]!.trim());
  if (serverParts.length < 3 || serverParts.length > 4) throw new QuorumConfigError(`"${value}" ${serverForm}`);
  const [host = '', quorumText, electionText, type] = serverParts;
  if (host === '') throw new QuorumConfigError(`"${value}" has an empty host`);
  let quorumPort: number;
  let electionPort: number;
  try {
    quorumPort = parsePort(quorumText);
    electionPort = parsePort(electionText);
  } catch (e) {
    throw e instanceof QuorumConfigError ? new QuorumConfigError(`address unresolved in "${value}": ${e.message}`) : e;
  }
  if (quorumPort === electionPort) throw new QuorumConfigError(`quorum and election port must be different on server.${id}`);
  let role: MemberRole = 'participant';
  if (type !== undefined) {
    const t = type.trim().toLowerCase();
    if (t === 'observer') role = 'observer';
    else if (t !== 'participant') throw new QuorumConfigError(`unrecognised peer type "${type}"`);
  }
  const spec: ServerSpec = { id, host, quorumPort, electionPort, role };
  if (parts.length === 2) {
    const clientParts = splitHostAndPorts(parts[1]!.trim());
    if (clientParts.length > 2) throw new QuorumConfigError(`"${value}" ${serverForm}`);
    spec.clientHost = clientParts.length === 2 ? clientParts[0] : '0.0.0.0';
    spec.clientPort = parsePort(clientParts[clientParts.length - 1]);
  }
  return spec;
}

function hostForConfig(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** The value after `server.N=`, normalised as ZooKeeper prints it: the role always, a bare client port as 0.0.0.0:port. */
export function renderServerSpec(s: ServerSpec): string {
  let v = `${hostForConfig(s.host)}:${s.quorumPort}:${s.electionPort}:${s.role}`;
  if (s.clientPort !== undefined) v += `;${hostForConfig(s.clientHost ?? '0.0.0.0')}:${s.clientPort}`;
  return v;
}

/** Parses one `server.N` value of a dynamic configuration into its normalised member entry. */
export function parseMemberSpec(id: number, value: string): QuorumMember {
  try {
    const server = parseServerSpec(id, value);
    return { id, spec: renderServerSpec(server), role: server.role };
  } catch (e) {
    throw e instanceof QuorumConfigError ? new QuorumConfigError(`server.${id}: ${e.message}`) : e;
  }
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
