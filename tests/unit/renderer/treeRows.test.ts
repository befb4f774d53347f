// The explorer's flat rows: depth-first order, placeholders for unloaded pages, short pages and the children filter.
import { describe, expect, it } from 'vitest';
import type { ApiStat, ChildEntry } from '../../../node-core/api/contract.js';
import { flattenTree, loadedCoverage, pageSize, type Listing, type TreeRow } from '../../../renderer/src/data/treeRows.js';

const stat = { numChildren: 0 } as unknown as ApiStat;

function entries(parent: string, names: string[]): ChildEntry[] {
  return names.map((name) => ({ name, path: parent === '/' ? `/${name}` : `${parent}/${name}`, stat }));
}

function listing(total: number, pages: [number, ChildEntry[]][]): Listing {
  return { total, pages: new Map(pages), loading: new Set() };
}

function shape(rows: TreeRow[]): string[] {
  return rows.map((r) => `${'  '.repeat(r.depth)}${r.kind === 'node' ? r.name + (r.expanded ? '/' : '') : `…${r.parent}#${r.index}`}`);
}

describe('flattenTree', () => {
  it('shows only the root, collapsed, before anything is expanded', () => {
    const rows = flattenTree({ listings: new Map(), expanded: new Set(), rootStat: stat, filter: '' });
    expect(rows).toEqual([{ kind: 'node', key: '/', parent: '', index: -1, path: '/', name: '/', depth: 0, stat, expanded: false }]);
  });

  it('lists expanded children depth-first under their parent, with parent and index for paging', () => {
    const listings = new Map([
      ['/', listing(2, [[0, entries('/', ['a', 'b'])]])],
      ['/a', listing(2, [[0, entries('/a', ['x', 'y'])]])],
    ]);
    const rows = flattenTree({ listings, expanded: new Set(['/', '/a']), rootStat: stat, filter: '' });
    expect(shape(rows)).toEqual(['//', '  a/', '    x', '    y', '  b']);
    const y = rows[3];
    expect(y).toMatchObject({ kind: 'node', path: '/a/y', parent: '/a', index: 1, depth: 2 });
  });

  it('keeps the rows of a collapsed node\'s loaded children out', () => {
    const listings = new Map([
      ['/', listing(1, [[0, entries('/', ['a'])]])],
      ['/a', listing(1, [[0, entries('/a', ['x'])]])],
    ]);
    expect(shape(flattenTree({ listings, expanded: new Set(['/']), rootStat: stat, filter: '' }))).toEqual(['//', '  a']);
  });

  it('stands a placeholder in for every child on a page not read yet, so the list has its full length', () => {
    const total = pageSize + 3;
    const firstPage = entries('/', Array.from({ length: pageSize }, (_, i) => `n${i}`));
    const rows = flattenTree({ listings: new Map([['/', listing(total, [[0, firstPage]])]]), expanded: new Set(['/']), rootStat: stat, filter: '' });
    expect(rows).toHaveLength(1 + total);
    expect(rows[pageSize]).toMatchObject({ kind: 'node', name: `n${pageSize - 1}` });
    expect(rows.slice(1 + pageSize)).toEqual([0, 1, 2].map((k) => ({ kind: 'placeholder', key: `/#${pageSize + k}`, parent: '/', index: pageSize + k, depth: 1 })));
  });

  it('skips the missing tail of a page that came back short (children deleted while it was read)', () => {
    const rows = flattenTree({ listings: new Map([['/', listing(3, [[0, entries('/', ['a'])]])]]), expanded: new Set(['/']), rootStat: stat, filter: '' });
    expect(shape(rows)).toEqual(['//', '  a']);
  });

  it('filters loaded names case-insensitively, keeps expanded parents and leaves placeholders out', () => {
    const listings = new Map([
      ['/', listing(pageSize + 5, [[0, entries('/', ['Alpha', 'beta', 'apps', ...Array.from({ length: pageSize - 3 }, (_, i) => `z${i}`)])]])],
      ['/apps', listing(2, [[0, entries('/apps', ['alpine', 'gamma'])]])],
    ]);
    const rows = flattenTree({ listings, expanded: new Set(['/', '/apps']), rootStat: stat, filter: 'AL' });
    expect(shape(rows)).toEqual(['//', '  Alpha', '  apps/', '    alpine']);
  });
});

describe('loadedCoverage', () => {
  it('counts loaded against known children under expanded nodes only', () => {
    const listings = new Map([
      ['/', listing(pageSize + 10, [[0, entries('/', Array.from({ length: pageSize }, (_, i) => `n${i}`))]])],
      ['/n0', listing(4, [[0, entries('/n0', ['a', 'b', 'c', 'd'])]])],
    ]);
    expect(loadedCoverage(listings, new Set(['/']))).toEqual({ loaded: pageSize, total: pageSize + 10 });
    expect(loadedCoverage(listings, new Set(['/', '/n0', '/missing']))).toEqual({ loaded: pageSize + 4, total: pageSize + 14 });
  });
});
