// ACLs as zkCli reads and prints them: "scheme:id:perms[,...]" in (AclParser), "'scheme,'id" and "cdrwa" out
// (jute's Id.toString and ZKUtil.getPermString).
import { Perms, type ACL, type Id } from '../protocol/index.js';

const permLetters: ReadonlyArray<[string, number]> = [
  ['c', Perms.create],
  ['d', Perms.delete],
  ['r', Perms.read],
  ['w', Perms.write],
  ['a', Perms.admin],
];

/** ZKUtil.getPermString: letters in the order c, d, r, w, a. */
export function permString(perms: number): string {
  return permLetters
    .filter(([, bit]) => (perms & bit) !== 0)
    .map(([letter]) => letter)
    .join('');
}

/**
 * AclParser.parse: entries without two colons and unknown perm letters are reported through warn and skipped,
 * so a bad string can yield an empty list (which the client then refuses as InvalidACL).
 */
export function parseAclText(text: string, warn: (line: string) => void): ACL[] {
  const acl: ACL[] = [];
  for (const entry of text.split(',')) {
    const first = entry.indexOf(':');
    const last = entry.lastIndexOf(':');
    if (first === -1 || first === last) {
      warn(`${entry} does not have the form scheme:id:perm`);
      continue;
    }
    let perms = 0;
    for (const ch of entry.slice(last + 1)) {
      const known = permLetters.find(([letter]) => letter === ch);
      if (known === undefined) warn(`Unknown perm type: ${ch}`);
      else perms |= known[1];
    }
    acl.push({ perms, id: { scheme: entry.slice(0, first), id: entry.slice(first + 1, last) } });
  }
  return acl;
}

// jute's ToStringOutputArchive escapes these so a record prints on one line and splits at commas.
const escapes: Record<string, string> = { '\0': '%00', '\n': '%0A', '\r': '%0D', ',': '%2C', '}': '%7D', '%': '%25' };

function escapeJuteString(value: string | null): string {
  if (value === null) return '';
  return `'${value.replace(/[\0\n\r,}%]/g, (c) => escapes[c]!)}`;
}

/** Id.toString() without its trailing newline: "'world,'anyone". */
export function formatAclId(id: Id): string {
  return `${escapeJuteString(id.scheme)},${escapeJuteString(id.id)}`;
}

/** The two lines getAcl prints per entry (Id.toString ends in a newline, then ": perms"). */
export function formatAclEntry(acl: ACL): string[] {
  return [formatAclId(acl.id), `: ${permString(acl.perms)}`];
}
