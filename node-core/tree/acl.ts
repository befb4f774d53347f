// ZooKeeper's access control: the ip and digest authentication providers, the ACL check every request makes, the
// validation and "auth" expansion of ACLs a client sets, and the whoAmI view of a connection's identities.
import { createHash } from 'node:crypto';
import { ErrorCode } from '../protocol/errorCodes.js';
import type { ACL, ClientInfo, Id } from '../protocol/records.js';

export const worldAnyone: Readonly<Id> = Object.freeze({ scheme: 'world', id: 'anyone' });

/** The id ZooKeeper adds for a super user next to its digest id; any id of this scheme bypasses every ACL. */
export const superScheme = 'super';

/** Java's String.split(regexLiteral) for a one-character separator: trailing empty parts are dropped. */
function javaSplit(text: string, separator: string): string[] {
  if (!text.includes(separator)) return [text];
  const parts = text.split(separator);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Integer.parseInt without its radix options: an optional sign and decimal digits, within 32 bits. */
function javaParseInt(text: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(text)) return undefined;
  const value = Number(text);
  return value >= -0x80000000 && value <= 0x7fffffff ? value : undefined;
}

function ipv4Bytes(address: string): number[] | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  const bytes: number[] = [];
  for (const part of parts) {
    const value = javaParseInt(part);
    if (value === undefined || value < 0 || value > 255) return undefined;
    bytes.push(value);
  }
  return bytes;
}

/** Splits "a.b.c.d/bits" at the first slash; the bit count is undefined when absent, NaN when malformed. */
function parseIpExpression(expression: string): { bytes: number[]; bits: number } | undefined {
  const slash = expression.indexOf('/');
  const bytes = ipv4Bytes(slash < 0 ? expression : expression.slice(0, slash));
  if (bytes === undefined) return undefined;
  let bits = bytes.length * 8;
  if (slash >= 0) {
    const parsed = javaParseInt(expression.slice(slash + 1));
    if (parsed === undefined || parsed < 0 || parsed > bytes.length * 8) return undefined;
    bits = parsed;
  }
  return { bytes, bits };
}

function maskBytes(bytes: number[], bits: number): number[] {
  return bytes.map((b, i) => {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    return b & ((0xff << (8 - keep)) & 0xff);
  });
}

/** ZooKeeper's ip provider only understands IPv4, so an IPv6 client never matches an ip ACL. */
function ipMatches(clientAddress: string, aclExpression: string): boolean {
  const acl = parseIpExpression(aclExpression);
  if (acl === undefined) return false;
  const client = ipv4Bytes(clientAddress);
  if (client === undefined) return false;
  const a = maskBytes(acl.bytes, acl.bits);
  const c = maskBytes(client, acl.bits);
  return a.every((b, i) => b === c[i]);
}

interface AuthProvider {
  /** Whether ids of this scheme prove who the client is, so an "auth" ACL may expand to them. */
  authenticated: boolean;
  isValid(id: string): boolean;
  matches(clientId: string, aclId: string): boolean;
  userName(id: string): string;
}

// ip and digest, which Apache ZooKeeper always registers, and sasl, which it registers when zoo.cfg names
// SASLAuthenticationProvider; Paddock always has it (a sasl id only ever comes from a completed SASL exchange).
const providers: ReadonlyMap<string, AuthProvider> = new Map<string, AuthProvider>([
  [
    'ip',
    {
      authenticated: false,
      isValid: (id) => parseIpExpression(id) !== undefined,
      matches: ipMatches,
      userName: (id) => id,
    },
  ],
  [
    'digest',
    {
      authenticated: true,
      isValid: (id) => javaSplit(id, ':').length === 2,
      matches: (clientId, aclId) => clientId === aclId,
      userName: (id) => javaSplit(id, ':')[0] ?? '',
    },
  ],
  [
    'sasl',
    {
      authenticated: true,
      isValid: (id) => id !== '',
      // SASLAuthenticationProvider.matches: the same principal, or the id "super".
      matches: (clientId, aclId) => clientId === aclId || clientId === 'super',
      userName: (id) => id,
    },
  ],
]);

/** Whether ids of this scheme can be checked (enforce.auth.schemes may only name these, or super). */
export function isKnownAuthScheme(scheme: string): boolean {
  return providers.has(scheme) || scheme === superScheme;
}

/** "user:" + base64(sha1("user:password")), the id a digest ACL names; `credentials` is "user:password". */
export function digestOfCredentials(credentials: string): string {
  const colon = credentials.indexOf(':');
  const user = colon < 0 ? credentials : credentials.slice(0, colon);
  return `${user}:${createHash('sha1').update(credentials, 'utf8').digest('base64')}`;
}

export function digestOf(user: string, password: string): string {
  return digestOfCredentials(`${user}:${password}`);
}

export function isSuperUser(authIds: readonly Id[]): boolean {
  return authIds.some((id) => id.scheme === superScheme);
}

/**
 * True when the ids may perform `perm` on a node with `acl`. Like ZooKeeper, an empty ACL admits everyone, a super
 * id admits everything, and a scheme without a provider never matches. `bypass` is zookeeper.skipACL.
 */
export function checkAcl(acl: readonly ACL[], perm: number, authIds: readonly Id[], bypass = false): boolean {
  if (bypass || acl.length === 0 || isSuperUser(authIds)) return true;
  for (const entry of acl) {
    if ((entry.perms & perm) === 0) continue;
    if (entry.id.scheme === worldAnyone.scheme && entry.id.id === worldAnyone.id) return true;
    const provider = providers.get(entry.id.scheme);
    if (provider === undefined) continue;
    for (const authId of authIds) {
      if (authId.scheme === entry.id.scheme && provider.matches(authId.id, entry.id.id)) return true;
    }
  }
  return false;
}

function sameAcl(a: ACL, b: ACL): boolean {
  return a.perms === b.perms && a.id.scheme === b.id.scheme && a.id.id === b.id.id;
}

/**
 * The ACL a create or setACL stores: duplicates removed, each "auth" entry replaced by the connection's
 * authenticated ids (digest, not ip) with its perms. Returns InvalidACL for an empty list, an "auth" entry on a
 * connection with no authenticated id, an unknown scheme or an id its provider rejects.
 */
// `path` is unused, as in ZooKeeper where it only names the node in the exception.
export function fixupAcl(_path: string, authIds: readonly Id[], acl: readonly ACL[]): ACL[] | number {
  const unique: ACL[] = [];
  for (const entry of acl) if (!unique.some((u) => sameAcl(u, entry))) unique.push(entry);
  if (unique.length === 0) return ErrorCode.invalidACL;
  const fixed: ACL[] = [];
  for (const entry of unique) {
    const { scheme, id } = entry.id;
    if (scheme === worldAnyone.scheme && id === worldAnyone.id) {
      fixed.push(entry);
    } else if (scheme === 'auth') {
      const expanded = authIds.filter((authId) => providers.get(authId.scheme)?.authenticated === true);
      if (expanded.length === 0) return ErrorCode.invalidACL;
      for (const authId of expanded) fixed.push({ perms: entry.perms, id: { scheme: authId.scheme, id: authId.id } });
    } else {
      const provider = providers.get(scheme);
      if (provider === undefined || !provider.isValid(id)) return ErrorCode.invalidACL;
      fixed.push(entry);
    }
  }
  return fixed;
}

/** The host part of a socket address as Java's getHostAddress prints it: IPv4-mapped IPv6 becomes plain IPv4. */
export function normalizeRemoteAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  const [host, scope] = address.split('%', 2) as [string, string | undefined];
  const halves = host.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  const zeros = halves.length > 1 ? Array<string>(Math.max(0, 8 - head.length - tail.length)).fill('0') : [];
  const groups = [...head, ...zeros, ...tail].map((g) => (/^[0-9a-f]+$/i.test(g) ? parseInt(g, 16).toString(16) : g));
  return groups.join(':') + (scope === undefined ? '' : `%${scope}`);
}

/** The id every connection carries from the start: its client address under the ip scheme. */
export function connectionAuthId(remoteAddress: string): Id {
  return { scheme: 'ip', id: normalizeRemoteAddress(remoteAddress) };
}

export type AuthOutcome = { ok: true; ids: Id[] } | { ok: false; err: number };

/**
 * The ids an auth packet adds to its connection. digest accepts any "user:password" (it only names, it never
 * refuses) and adds super:"" first when the credentials match `superDigest` ("user:base64digest"); ip adds the
 * client address whatever the packet says; any other scheme is AuthFailed.
 */
export function authenticate(
  scheme: string,
  auth: Buffer | null,
  remoteAddress: string,
  superDigest?: string,
): AuthOutcome {
  if (scheme === 'digest') {
    const digest = digestOfCredentials((auth ?? Buffer.alloc(0)).toString('utf8'));
    const ids: Id[] = [];
    if (superDigest !== undefined && digest === superDigest) ids.push({ scheme: superScheme, id: '' });
    ids.push({ scheme: 'digest', id: digest });
    return { ok: true, ids };
  }
  if (scheme === 'ip') return { ok: true, ids: [connectionAuthId(remoteAddress)] };
  return { ok: false, err: ErrorCode.authFailed };
}

function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

/** The jute-generated Id.hashCode. */
function javaIdHash(id: Id): number {
  return (Math.imul((Math.imul(17, 37) + javaStringHash(id.scheme)) | 0, 37) + javaStringHash(id.id)) | 0;
}

/**
 * The order a ConcurrentHashMap-backed set of this many ids iterates in: by hash bucket, then insertion. ZooKeeper
 * keeps a connection's auth info in such a set, and that order shows in whoAmI and in how "auth" ACLs expand.
 */
function javaSetOrder(ids: readonly Id[]): Id[] {
  let tableSize = 16;
  while (ids.length >= (tableSize * 3) / 4) tableSize *= 2;
  const bucket = (id: Id) => {
    const h = javaIdHash(id);
    return ((h ^ (h >>> 16)) & 0x7fffffff) & (tableSize - 1);
  };
  return ids
    .map((id, index) => ({ id, index, bucket: bucket(id) }))
    .sort((a, b) => a.bucket - b.bucket || a.index - b.index)
    .map((entry) => entry.id);
}

/**
 * A connection's auth info after adding ids: a set (an id already held is not repeated), in the order Apache
 * ZooKeeper iterates it. `current` must itself come from this function (or be the single connection id).
 */
export function addAuthIds(current: readonly Id[], added: readonly Id[]): Id[] {
  const result = [...current];
  for (const id of added) {
    if (!result.some((r) => r.scheme === id.scheme && r.id === id.id)) result.push(id);
  }
  return javaSetOrder(result);
}

/** whoAmI's answer: each id's scheme with the user its provider names ("" for schemes without a provider). */
export function clientInfos(authIds: readonly Id[]): ClientInfo[] {
  return authIds.map((id) => ({ authScheme: id.scheme, user: providers.get(id.scheme)?.userName(id.id) ?? '' }));
}

/** getACL's view for a caller without ADMIN: digest ids keep the user name but hide the hash. */
export function maskDigestIds(acl: readonly ACL[]): ACL[] {
  return acl.map((entry) =>
    entry.id.scheme === 'digest'
      ? { perms: entry.perms, id: { scheme: 'digest', id: entry.id.id.replace(/:.*/g, ':x') } }
      : entry,
  );
}
