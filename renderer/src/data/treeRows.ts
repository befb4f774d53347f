// Turns the explorer's expanded tree into the flat rows its virtual list renders: depth-first, a placeholder for
// every child whose page has not loaded yet (so the scrollbar is right from the first page), and the children filter
// applied to loaded names. Pure: no Vue, no DOM, so it is tested under Node.
import type { ApiStat, ChildEntry } from '../../../node-core/api/contract.js';

/** Children are fetched this many at a time (znode.list offset/limit). */
export const pageSize = 200;

/** One parent's children as far as they are known: the total count and the pages read so far. */
export interface Listing {
  total: number;
  pages: Map<number, ChildEntry[]>;
  loading: Set<number>;
}

export interface NodeRow {
  kind: 'node';
  key: string;
  /** The parent's path and this row's position among its children (-1 for the root). */
  parent: string;
  index: number;
  path: string;
  name: string;
  depth: number;
  stat: ApiStat | undefined;
  expanded: boolean;
}

export interface PlaceholderRow {
  kind: 'placeholder';
  key: string;
  parent: string;
  index: number;
  depth: number;
}

export type TreeRow = NodeRow | PlaceholderRow;

export interface TreeState {
  listings: ReadonlyMap<string, Listing>;
  expanded: ReadonlySet<string>;
  rootStat: ApiStat | undefined;
  /** The children filter as typed; '' shows everything. */
  filter: string;
}

/**
 * The visible rows, root first. While a filter is active, unloaded children are left out (they cannot be matched)
 * and an expanded node stays visible even when its own name does not match, so the matches under it keep a parent.
 */
export function flattenTree(state: TreeState): TreeRow[] {
  const { listings, expanded } = state;
  const needle = state.filter.toLowerCase();
  const out: TreeRow[] = [
    { kind: 'node', key: '/', parent: '', index: -1, path: '/', name: '/', depth: 0, stat: state.rootStat, expanded: expanded.has('/') },
  ];
  const addChildren = (path: string, depth: number): void => {
    const listing = listings.get(path);
    if (listing === undefined) return;
    for (let i = 0; i < listing.total; i++) {
      const page = Math.floor(i / pageSize);
      const entries = listing.pages.get(page);
      if (entries === undefined) {
        if (needle === '') out.push({ kind: 'placeholder', key: `${path}#${i}`, parent: path, index: i, depth });
        continue;
      }
      const entry = entries[i - page * pageSize];
      // A page comes back short when children were deleted while it was read; its missing tail is skipped.
      if (entry === undefined) continue;
      const isOpen = expanded.has(entry.path);
      if (needle !== '' && !isOpen && !entry.name.toLowerCase().includes(needle)) continue;
      out.push({ kind: 'node', key: entry.path, parent: path, index: i, path: entry.path, name: entry.name, depth, stat: entry.stat, expanded: isOpen });
      if (isOpen) addChildren(entry.path, depth + 1);
    }
  };
  if (expanded.has('/')) addChildren('/', 1);
  return out;
}

/** How many children are loaded versus known under expanded nodes, for the filter's notice. */
export function loadedCoverage(listings: ReadonlyMap<string, Listing>, expanded: ReadonlySet<string>): { loaded: number; total: number } {
  let loaded = 0;
  let total = 0;
  for (const path of expanded) {
    const listing = listings.get(path);
    if (listing === undefined) continue;
    total += listing.total;
    for (const entries of listing.pages.values()) loaded += entries.length;
  }
  return { loaded, total };
}
