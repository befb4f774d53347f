// The explorer tree's keys as in a file tree: moving, expanding and collapsing, stepping to parent and first child,
// Home/End, Enter, placeholders skipped, and type-ahead (prefixes, cycling on a repeated letter, wrapping).
import { describe, expect, it } from 'vitest';
import type { ApiStat, ChildEntry } from '../../../node-core/api/contract.js';
import { treeKeyOutcome, typeAheadMatch } from '../../../renderer/src/data/treeKeys.js';
import { flattenTree, pageSize, type Listing } from '../../../renderer/src/data/treeRows.js';

const leaf = { numChildren: 0 } as unknown as ApiStat;
const parent = { numChildren: 2 } as unknown as ApiStat;

function listing(parentPath: string, children: [string, ApiStat][], total = children.length): Listing {
  const entries: ChildEntry[] = children.map(([name, stat]) => ({ name, path: parentPath === '/' ? `/${name}` : `${parentPath}/${name}`, stat }));
  return { total, pages: new Map([[0, entries]]), loading: new Set() };
}

// /  ├ app/ (open) ├ config, cache ├ apple ├ beta (closed, has children) └ zookeeper
const rows = flattenTree({
  listings: new Map([
    ['/', listing('/', [['app', parent], ['apple', leaf], ['beta', parent], ['zookeeper', leaf]])],
    ['/app', listing('/app', [['config', leaf], ['cache', leaf]])],
  ]),
  expanded: new Set(['/', '/app']),
  rootStat: parent,
  filter: '',
});

describe('treeKeyOutcome', () => {
  it('moves up and down between rows, stopping at the ends', () => {
    expect(treeKeyOutcome(rows, '/app', 'ArrowDown')).toEqual({ kind: 'focus', path: '/app/config' });
    expect(treeKeyOutcome(rows, '/apple', 'ArrowUp')).toEqual({ kind: 'focus', path: '/app/cache' });
    expect(treeKeyOutcome(rows, '/zookeeper', 'ArrowDown')).toEqual({ kind: 'none' });
    expect(treeKeyOutcome(rows, '/', 'ArrowUp')).toEqual({ kind: 'none' });
    // No focus yet: the first row is the current one.
    expect(treeKeyOutcome(rows, undefined, 'ArrowDown')).toEqual({ kind: 'focus', path: '/app' });
  });

  it('expands a closed parent, steps into an open one, and does nothing on a leaf', () => {
    expect(treeKeyOutcome(rows, '/beta', 'ArrowRight')).toEqual({ kind: 'expand', path: '/beta' });
    expect(treeKeyOutcome(rows, '/app', 'ArrowRight')).toEqual({ kind: 'focus', path: '/app/config' });
    expect(treeKeyOutcome(rows, '/apple', 'ArrowRight')).toEqual({ kind: 'none' });
  });

  it('collapses an open node and otherwise steps out to the parent', () => {
    expect(treeKeyOutcome(rows, '/app', 'ArrowLeft')).toEqual({ kind: 'collapse', path: '/app' });
    expect(treeKeyOutcome(rows, '/app/cache', 'ArrowLeft')).toEqual({ kind: 'focus', path: '/app' });
    expect(treeKeyOutcome(rows, '/apple', 'ArrowLeft')).toEqual({ kind: 'focus', path: '/' });
  });

  it('jumps with Home and End and opens with Enter', () => {
    expect(treeKeyOutcome(rows, '/apple', 'Home')).toEqual({ kind: 'focus', path: '/' });
    expect(treeKeyOutcome(rows, '/apple', 'End')).toEqual({ kind: 'focus', path: '/zookeeper' });
    expect(treeKeyOutcome(rows, '/apple', 'Enter')).toEqual({ kind: 'open', path: '/apple' });
  });

  it('skips rows still loading', () => {
    const partial = flattenTree({
      // The first page read (one child left after deletes), the second page not yet: two placeholder rows.
      listings: new Map([['/', listing('/', [['a', leaf]], pageSize + 2)]]),
      expanded: new Set(['/']),
      rootStat: parent,
      filter: '',
    });
    expect(partial.filter((r) => r.kind === 'placeholder')).toHaveLength(2);
    expect(treeKeyOutcome(partial, '/', 'End')).toEqual({ kind: 'focus', path: '/a' });
  });
});

describe('typeAheadMatch', () => {
  it('finds the next row starting with the typed text, wrapping around', () => {
    expect(typeAheadMatch(rows, '/', 'z')).toBe('/zookeeper');
    expect(typeAheadMatch(rows, '/zookeeper', 'c')).toBe('/app/config');
    expect(typeAheadMatch(rows, '/', 'appl')).toBe('/apple');
    expect(typeAheadMatch(rows, '/', 'nothing')).toBeUndefined();
  });

  it('keeps the focused row while a longer prefix still matches it, and cycles on a repeated letter', () => {
    expect(typeAheadMatch(rows, '/app', 'ap')).toBe('/app');
    expect(typeAheadMatch(rows, '/app', 'a')).toBe('/apple');
    expect(typeAheadMatch(rows, '/app/config', 'cc')).toBe('/app/cache');
  });
});
