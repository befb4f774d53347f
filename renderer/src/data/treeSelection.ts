// The explorer's multi-selection (Ctrl/Cmd-click toggles a row, Shift-click takes the range from the anchor), and
// which of the selected paths a delete has to name: a path under another selected one goes with its ancestor.
// Pure: no Vue, tested under Node.
import type { TreeRow } from './treeRows.js';

export function toggled(selection: ReadonlySet<string>, path: string): Set<string> {
  const next = new Set(selection);
  if (!next.delete(path)) next.add(path);
  return next;
}

/** The node rows from anchor to target inclusive, in the order the tree shows them (either direction). */
export function rangeOf(rows: readonly TreeRow[], anchor: string, target: string): string[] {
  const paths = rows.flatMap((r) => (r.kind === 'node' ? [r.path] : []));
  const from = paths.indexOf(anchor);
  const to = paths.indexOf(target);
  if (from < 0 || to < 0) return [target];
  return paths.slice(Math.min(from, to), Math.max(from, to) + 1);
}

/** The selected paths no other selected path contains, sorted; the root is never deletable and is left out. */
export function topmostPaths(selection: Iterable<string>): string[] {
  const all = [...new Set(selection)].filter((p) => p !== '/').sort();
  return all.filter((p) => !all.some((other) => other !== p && p.startsWith(`${other}/`)));
}
