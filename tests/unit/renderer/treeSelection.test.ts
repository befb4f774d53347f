// Multi-selection in the tree: toggling, ranges in shown order either way, and the topmost paths a delete names.
import { describe, expect, it } from 'vitest';
import type { TreeRow } from '../../../renderer/src/data/treeRows.js';
import { rangeOf, toggled, topmostPaths } from '../../../renderer/src/data/treeSelection.js';

const node = (path: string): TreeRow => ({ kind: 'node', key: path, parent: '', index: 0, path, name: path, depth: 1, stat: undefined, expanded: false });
const rows: TreeRow[] = [node('/'), node('/a'), node('/a/x'), { kind: 'placeholder', key: 'p', parent: '/a', index: 1, depth: 2 }, node('/b'), node('/c')];

describe('tree multi-selection', () => {
  it('toggles a path in and out', () => {
    expect([...toggled(new Set(['/a']), '/b')]).toEqual(['/a', '/b']);
    expect([...toggled(new Set(['/a', '/b']), '/a')]).toEqual(['/b']);
  });

  it('takes the rows between anchor and target in shown order, skipping placeholders', () => {
    expect(rangeOf(rows, '/a', '/b')).toEqual(['/a', '/a/x', '/b']);
    expect(rangeOf(rows, '/c', '/a/x')).toEqual(['/a/x', '/b', '/c']);
    expect(rangeOf(rows, '/gone', '/c')).toEqual(['/c']);
  });

  it('names only the topmost selected paths for a delete, never the root', () => {
    expect(topmostPaths(['/a/x', '/a', '/b', '/', '/ab'])).toEqual(['/a', '/ab', '/b']);
  });
});
