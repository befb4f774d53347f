// Parses ZooKeeper connect strings ("h1:p1,h2:p2/chroot") and maps paths between the client's chrooted view and
// the server's absolute one.
import { validatePath as validateZnodePath } from '../tree/pathValidation.js';

export interface HostPort {
  host: string;
  port: number;
}

export interface ParsedConnectString {
  hosts: HostPort[];
  /** Undefined when there is no chroot (or it is "/"). */
  chroot: string | undefined;
}

const defaultPort = 2181;

function parseHost(entry: string): HostPort {
  const trimmed = entry.trim();
  // [::1]:2181 for IPv6 literals, host:port otherwise; a missing port is ZooKeeper's default.
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  if (bracketed !== null) return { host: bracketed[1]!, port: bracketed[2] === undefined ? defaultPort : Number(bracketed[2]) };
  const colon = trimmed.lastIndexOf(':');
  if (colon < 0) return { host: trimmed, port: defaultPort };
  const port = Number(trimmed.slice(colon + 1));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid port in connect string entry "${entry}"`);
  return { host: trimmed.slice(0, colon), port };
}

/** Throws ZooKeeper's own message for an invalid path; a sequential create may end in "/" (the suffix follows). */
export function validatePath(path: string, isSequential = false): void {
  const problem = validateZnodePath(path, isSequential);
  if (problem !== null) throw new Error(problem);
}

export function parseConnectString(connectString: string): ParsedConnectString {
  const slash = connectString.indexOf('/');
  const hostPart = slash < 0 ? connectString : connectString.slice(0, slash);
  let chroot: string | undefined = slash < 0 ? undefined : connectString.slice(slash);
  if (chroot === '/') chroot = undefined;
  if (chroot !== undefined) validatePath(chroot);
  const hosts = hostPart
    .split(',')
    .filter((h) => h.trim() !== '')
    .map(parseHost);
  if (hosts.length === 0) throw new Error(`connect string "${connectString}" names no server`);
  return { hosts, chroot };
}

const hostName = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9])?$/;

/**
 * What is wrong with a connect string a person typed ("foo bar", "host:port:x", an empty entry), in words; undefined
 * when every entry is a host name or address with an optional valid port. Stricter than parseConnectString, which
 * accepts whatever it can split, so a typo is caught when a profile is saved rather than after a connect timeout.
 */
export function connectStringProblem(connectString: string): string | undefined {
  const trimmed = connectString.trim();
  if (trimmed === '') return 'the connect string is empty; give host:port pairs separated by commas, e.g. zk1:2181,zk2:2181';
  const slash = trimmed.indexOf('/');
  const hostPart = slash < 0 ? trimmed : trimmed.slice(0, slash);
  if (slash >= 0 && slash < trimmed.length - 1) {
    try {
      validatePath(trimmed.slice(slash));
    } catch (err) {
      return `the chroot "${trimmed.slice(slash)}" is not a valid path: ${(err as Error).message}`;
    }
  }
  const entries = hostPart.split(',');
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') return `"${connectString}" has an empty server entry; separate host:port pairs with single commas`;
    if (/\s/.test(entry)) return `"${entry}" contains a space; separate servers with commas, e.g. zk1:2181,zk2:2181`;
    let host: HostPort;
    try {
      host = parseHost(entry);
    } catch (err) {
      return `${(err as Error).message} (a port is a number from 1 to 65535)`;
    }
    const isIpv6 = entry.startsWith('[');
    if (!isIpv6 && !hostName.test(host.host)) return `"${host.host}" in "${entry}" is not a host name or IP address`;
  }
  return undefined;
}

/** The servers of a connect string as one order-free key: "b:2,a:1/app" and "a:1,b:2" name the same ensemble. */
export function serverSetKey(connectString: string): string {
  return connectString
    .split('/')[0]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .sort()
    .join(',');
}

/** Fisher-Yates, so every client of an ensemble does not start on the same server. */
export function shuffled<T>(items: readonly T[], random: () => number = Math.random): T[] {
  const result = [...items];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [result[i], result[j]] = [result[j]!, result[i]!];
  }
  return result;
}

export class Chroot {
  constructor(readonly root: string | undefined) {}

  toServer(clientPath: string): string {
    if (this.root === undefined) return clientPath;
    return clientPath === '/' ? this.root : this.root + clientPath;
  }

  /** Paths outside the chroot (which a server should never send) are passed through unchanged. */
  toClient(serverPath: string): string {
    const root = this.root;
    if (root === undefined) return serverPath;
    if (serverPath === root) return '/';
    if (serverPath.startsWith(root + '/')) return serverPath.slice(root.length);
    return serverPath;
  }
}
