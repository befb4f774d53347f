// Breadth-first walk of a znode subtree with bounded concurrency and a node limit, the base of delete previews,
// recursive deletes, copies, exports and searches. Nodes deleted during the walk are silently left out.
import type { ZkClient } from '../client/index.js';
import { ErrorCode, KeeperError, type Stat } from '../protocol/index.js';
import { joinPath, mapBounded, requestConcurrency } from './apiValues.js';

export interface WalkedNode {
  path: string;
  stat: Stat;
  depth: number;
}

export interface WalkResult {
  /** Parents before children (breadth first). */
  nodes: WalkedNode[];
  /** False when the limit stopped the walk before it saw every node. */
  complete: boolean;
}

export async function walkSubtree(client: ZkClient, root: string, max: number): Promise<WalkResult> {
  const nodes: WalkedNode[] = [];
  let frontier = [root];
  let depth = 0;
  let complete = true;
  while (frontier.length > 0) {
    const room = max - nodes.length;
    if (frontier.length > room) {
      frontier = frontier.slice(0, room);
      complete = false;
    }
    const listed = await mapBounded(frontier, requestConcurrency, async (path) => {
      try {
        return { path, ...(await client.getChildrenWithStat(path)) };
      } catch (err) {
        if (err instanceof KeeperError && err.code === ErrorCode.noNode) return undefined;
        throw err;
      }
    });
    const next: string[] = [];
    for (const entry of listed) {
      if (entry === undefined) continue;
      nodes.push({ path: entry.path, stat: entry.stat, depth });
      for (const name of [...entry.children].sort()) next.push(joinPath(entry.path, name));
    }
    if (nodes.length >= max && next.length > 0) {
      complete = false;
      break;
    }
    frontier = next;
    depth++;
  }
  return { nodes, complete };
}
