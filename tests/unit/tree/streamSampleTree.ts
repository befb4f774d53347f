// A tree for the streamed-snapshot tests: small, empty, null and one large node, two ACLs, an ephemeral, and
// 300 sessions, so every section of a snapshot body gets split somewhere.
import { DataTree } from '../../../node-core/tree/dataTree.js';

const world = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const digestAcl = [{ perms: 3, id: { scheme: 'digest', id: 'u:p' } }];

export function streamSampleTree(bigNode = true): { tree: DataTree; sessions: Map<bigint, number> } {
  const tree = new DataTree();
  let zxid = 0n;
  if (bigNode) tree.createNode('/big', Buffer.alloc(40_000, 7), world, 0n, -1, ++zxid, 1000n);
  for (let i = 0; i < 400; i++) {
    const data = i % 3 === 0 ? null : Buffer.from(`value-${i}`.repeat(i % 7));
    tree.createNode(`/n${i}`, data, i % 2 === 0 ? world : digestAcl, i === 5 ? 0x42n : 0n, -1, ++zxid, 1000n + zxid);
  }
  tree.lastProcessedZxid = zxid;
  const sessions = new Map<bigint, number>();
  for (let i = 1; i <= 300; i++) sessions.set(BigInt(i) * 0x1000001n, 4000 + i);
  return { tree, sessions };
}

