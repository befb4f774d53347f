// One step of deleting a subtree of any size: each call removes at most about `max` nodes, children before
// parents, and says whether the subtree is gone. The GUI calls it in a loop, so it can show progress and stop
// between steps; no single call walks or holds more than `max` nodes.
import type { ZkClient } from '../client/index.js';
import { deleteDeepestFirst, refuseProtectedRoot } from './subtreeOperations.js';
import { walkSubtree } from './subtreeWalk.js';

export async function deleteSubtreeStep(client: ZkClient, path: string, max: number): Promise<{ deleted: number; done: boolean }> {
  refuseProtectedRoot(path, 'deleted');
  let from = path;
  for (;;) {
    const walk = await walkSubtree(client, from, max);
    // The root went away (deleted by someone else, or by the previous step's last transaction).
    if (walk.nodes.length === 0) return { deleted: 0, done: from === path };
    if (walk.complete) {
      // Everything under `from` fits: remove it whole (the chosen root too when `from` is it).
      const deleted = await deleteDeepestFirst(client, walk.nodes, from, -1);
      return { deleted, done: from === path };
    }
    // Too big to take at once: the leaves this walk saw can go now; their parents become leaves for the next step.
    const leaves = walk.nodes.filter((n) => n.stat.numChildren === 0);
    if (leaves.length > 0) return { deleted: await deleteDeepestFirst(client, leaves, '', -1), done: false };
    // A walk of only inner nodes (a chain deeper than max): look again from the deepest node it reached.
    from = walk.nodes[walk.nodes.length - 1]!.path;
  }
}
