// Reads a whole znode tree through Paddock's client, with every field a client can see (data, ACL, full Stat), so
// two servers' trees (or one data dir served by two engines) can be compared field by field.
import { createHash } from 'node:crypto';
import type { ZkClient } from '../../node-core/client/index.js';
import type { ACL, Stat } from '../../node-core/protocol/records.js';

export interface DumpedNode {
  path: string;
  data: string | null;
  acl: ACL[];
  stat: Stat;
  children: string[];
}

const SUPER_USER = 'super';

/** A super user for tests that must read nodes whose ACL denies everyone else. */
export function superUser(password: string): { digest: string; auth: string } {
  const hash = createHash('sha1').update(`${SUPER_USER}:${password}`).digest('base64');
  return { digest: `${SUPER_USER}:${hash}`, auth: `${SUPER_USER}:${password}` };
}

/** Every node under `root`, parents first, children sorted (servers list children in different orders). */
export async function dumpTree(client: ZkClient, root = '/'): Promise<DumpedNode[]> {
  const out: DumpedNode[] = [];
  const visit = async (path: string): Promise<void> => {
    const { data, stat } = await client.getData(path);
    const { acl } = await client.getACL(path);
    const children = (await client.getChildren(path)).sort();
    out.push({ path, data: data === null ? null : data.toString('hex'), acl, stat, children });
    for (const child of children) await visit(path === '/' ? `/${child}` : `${path}/${child}`);
  };
  await visit(root);
  return out;
}

/** The Zxid line of srvr, as a number. */
export function srvrZxid(srvr: string): bigint {
  const match = /^Zxid: (0x[0-9a-f]+)/m.exec(srvr);
  if (match === null) throw new Error(`srvr reply without a Zxid line:\n${srvr}`);
  return BigInt(match[1]!);
}
