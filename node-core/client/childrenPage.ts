// Large nodes, page by page: the child count comes first (the parent's numChildren), then one page of names with
// their stats, fetched with a bounded number of requests in flight so a node with 100,000 children never floods
// the connection.
import type { Stat } from '../protocol/index.js';
import type { ZkClient } from './zkClient.js';

export interface ChildWithStat {
  name: string;
  path: string;
  stat: Stat;
}

export interface ChildrenPage {
  /** The parent's numChildren when the listing was read. */
  total: number;
  offset: number;
  /** Sorted by name; children deleted while the page was read are left out. */
  children: ChildWithStat[];
  stat: Stat;
}

export interface ChildrenPageOptions {
  offset?: number;
  limit?: number;
  /** Requests in flight for the children's stats. */
  concurrency?: number;
}

/** Runs `work` over `items` with at most `limit` promises pending, keeping the results in order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The number of children of `path` without listing them: numChildren of its Stat. */
export async function childCount(client: ZkClient, path: string): Promise<number> {
  const stat = await client.exists(path);
  return stat?.numChildren ?? 0;
}

export async function listChildrenPage(client: ZkClient, path: string, options: ChildrenPageOptions = {}): Promise<ChildrenPage> {
  const offset = options.offset ?? 0;
  const limit = options.limit ?? 1000;
  const { children, stat } = await client.getChildrenWithStat(path);
  const names = [...children].sort().slice(offset, offset + limit);
  const base = path === '/' ? '' : path;
  const entries = await mapBounded(names, options.concurrency ?? 32, async (name) => {
    const childStat = await client.exists(`${base}/${name}`);
    return childStat === null ? undefined : { name, path: `${base}/${name}`, stat: childStat };
  });
  return { total: stat.numChildren, offset, children: entries.filter((e): e is ChildWithStat => e !== undefined), stat };
}
