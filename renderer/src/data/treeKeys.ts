// What a key press does in the explorer tree, as in a file tree (WAI-ARIA's tree pattern): Up/Down move between
// rows, Right expands or steps into the first child, Left collapses or steps out to the parent, Home/End jump,
// Enter opens, and typed letters jump to the next row whose name starts with them. Pure: rows in, a decision out.
import type { TreeRow } from './treeRows.js';

export type TreeKeyOutcome =
  | { kind: 'focus'; path: string }
  | { kind: 'expand'; path: string }
  | { kind: 'collapse'; path: string }
  | { kind: 'open'; path: string }
  | { kind: 'none' };

type NodeRowOf = Extract<TreeRow, { kind: 'node' }>;

/** A row can be expanded when it is the root, has children by its stat, or is already open. */
export function rowHasChildren(row: TreeRow): boolean {
  return row.kind === 'node' && (row.path === '/' || (row.stat?.numChildren ?? 0) > 0 || row.expanded);
}

function nodeRows(rows: readonly TreeRow[]): NodeRowOf[] {
  return rows.filter((r): r is NodeRowOf => r.kind === 'node');
}

export function treeKeyOutcome(rows: readonly TreeRow[], focused: string | undefined, key: string): TreeKeyOutcome {
  const nodes = nodeRows(rows);
  if (nodes.length === 0) return { kind: 'none' };
  const at = Math.max(0, nodes.findIndex((r) => r.path === focused));
  const row = nodes[at]!;
  const focus = (target: NodeRowOf | undefined): TreeKeyOutcome => (target === undefined ? { kind: 'none' } : { kind: 'focus', path: target.path });
  switch (key) {
    case 'ArrowDown':
      return focus(nodes[at + 1]);
    case 'ArrowUp':
      return focus(nodes[at - 1]);
    case 'Home':
      return focus(nodes[0]);
    case 'End':
      return focus(nodes.at(-1));
    case 'ArrowRight':
      if (!rowHasChildren(row)) return { kind: 'none' };
      if (!row.expanded) return { kind: 'expand', path: row.path };
      return focus(nodes[at + 1]?.parent === row.path ? nodes[at + 1] : undefined);
    case 'ArrowLeft':
      if (row.expanded) return { kind: 'collapse', path: row.path };
      return focus(nodes.find((r) => r.path === row.parent));
    case 'Enter':
    case ' ':
      return { kind: 'open', path: row.path };
    default:
      return { kind: 'none' };
  }
}

/**
 * Type-ahead: the next row after the focused one (wrapping) whose name starts with the typed text, case-insensitive.
 * A repeated single letter cycles through the rows starting with it, as file managers do.
 */
export function typeAheadMatch(rows: readonly TreeRow[], focused: string | undefined, typed: string): string | undefined {
  const nodes = nodeRows(rows);
  if (nodes.length === 0 || typed === '') return undefined;
  const needle = typed.toLowerCase();
  const cycling = needle.length > 1 && [...needle].every((c) => c === needle[0]);
  const prefix = cycling ? needle[0]! : needle;
  const at = nodes.findIndex((r) => r.path === focused);
  // A longer prefix may still match the focused row itself; a single letter (or a cycle) moves on to the next one.
  const start = prefix.length > 1 && !cycling ? Math.max(at, 0) : at + 1;
  for (let i = 0; i < nodes.length; i++) {
    const candidate = nodes[(start + i) % nodes.length]!;
    if (candidate.name.toLowerCase().startsWith(prefix)) return candidate.path;
  }
  return undefined;
}
