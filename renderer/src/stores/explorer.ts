// One connection's znode tree as the explorer shows it: which nodes are expanded, their children fetched page by
// page (znode.list offset/limit) so a node with 100,000 children costs only the pages scrolled into view, the
// flattened rows the virtual list renders, the selection, the children filter and live invalidation from watches.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, triggerRef } from 'vue';
import type { ApiStat, ChildEntry, CreateModeName, ZnodeChangeType } from '../../../node-core/api/contract.js';
import { api } from '../api/apiConnection.js';
import { apiErrorOf, errorText, noNodeCode } from '../api/apiErrors.js';
import { ancestorsOf, parentOf } from '../data/paths.js';
import { flattenTree, loadedCoverage, pageSize, type Listing, type TreeRow } from '../data/treeRows.js';
import { perConnection } from './perConnection.js';

/** Below this many children an active filter fetches every page so it sees all names. */
const filterFetchAllLimit = 5000;
const refreshDelayMs = 300;

function createExplorerStore(connectionId: string) {
  return defineStore(`explorer:${connectionId}`, () => {
    // Maps are kept shallow and re-rendered through triggerRef: deep proxies over 100,000 entries would be slow.
    const listings = shallowRef(new Map<string, Listing>());
    const expanded = shallowRef(new Set<string>(['/']));
    const rootStat = ref<ApiStat>();
    const selected = ref<string>();
    const filter = ref('');
    const error = ref<string>();
    /** Modes of nodes created from this window: ZooKeeper hides container and TTL from clients. */
    const createdModes = new Map<string, CreateModeName>();
    const pendingRefresh = new Set<string>();
    /** The pages each listing has in view, so a refresh re-reads those and leaves the rest to load on demand. */
    const visiblePages = new Map<string, Set<number>>();
    let refreshTimer: ReturnType<typeof setTimeout> | undefined;

    function touch(): void {
      triggerRef(listings);
      triggerRef(expanded);
    }

    async function loadPage(path: string, page: number): Promise<void> {
      let listing = listings.value.get(path);
      if (listing?.loading.has(page) === true) return;
      if (listing === undefined) {
        listing = { total: 0, pages: new Map(), loading: new Set() };
        listings.value.set(path, listing);
      }
      listing.loading.add(page);
      try {
        const result = await api().call('znode.list', { connectionId, path, offset: page * pageSize, limit: pageSize });
        const current = listings.value.get(path);
        if (current !== listing) return;
        listing.total = result.total;
        listing.pages.set(page, result.children);
        updateStat(path, result.stat);
        error.value = undefined;
      } catch (err) {
        error.value = errorText(err);
        if (page === 0) listings.value.delete(path);
      } finally {
        listing.loading.delete(page);
        touch();
      }
    }

    /** Puts a fresh stat of path wherever the tree shows it (its entry in its parent's pages, or the root). */
    function updateStat(path: string, stat: ApiStat): void {
      if (path === '/') {
        rootStat.value = stat;
        return;
      }
      const parent = listings.value.get(parentOf(path));
      if (parent === undefined) return;
      for (const entries of parent.pages.values()) {
        const entry = entries.find((e) => e.path === path);
        if (entry !== undefined) {
          entry.stat = stat;
          return;
        }
      }
    }

    async function expand(path: string): Promise<void> {
      expanded.value.add(path);
      touch();
      if (!listings.value.has(path)) await loadPage(path, 0);
      if (filter.value !== '') await loadAllForFilter();
    }

    function collapse(path: string): void {
      expanded.value.delete(path);
      touch();
    }

    function toggle(path: string): Promise<void> {
      if (expanded.value.has(path)) {
        collapse(path);
        return Promise.resolve();
      }
      return expand(path);
    }

    /** Fetches the pages behind the placeholder rows the virtual list shows. */
    function ensureLoaded(visible: TreeRow[]): void {
      const wanted = new Map<string, Set<number>>();
      visiblePages.clear();
      for (const row of visible) {
        if (row.index < 0) continue;
        const page = Math.floor(row.index / pageSize);
        const seen = visiblePages.get(row.parent) ?? new Set<number>();
        seen.add(page);
        visiblePages.set(row.parent, seen);
        if (row.kind !== 'placeholder') continue;
        const pages = wanted.get(row.parent) ?? new Set<number>();
        pages.add(page);
        wanted.set(row.parent, pages);
      }
      for (const [path, pages] of wanted) for (const page of pages) void loadPage(path, page);
    }

    async function loadAllForFilter(): Promise<void> {
      const jobs: Promise<void>[] = [];
      for (const path of expanded.value) {
        const listing = listings.value.get(path);
        if (listing === undefined || listing.total > filterFetchAllLimit) continue;
        for (let page = 0; page * pageSize < listing.total; page++) if (!listing.pages.has(page)) jobs.push(loadPage(path, page));
      }
      await Promise.all(jobs);
    }

    function setFilter(text: string): void {
      filter.value = text;
      touch();
      if (text !== '') void loadAllForFilter();
    }

    /**
     * Re-reads a listing's first page and the pages in view, then swaps them in at once: the row count never drops
     * to zero in between, so the scroll position holds. Pages out of view are dropped and load again on demand.
     */
    async function refreshListing(path: string): Promise<void> {
      const old = listings.value.get(path);
      if (old === undefined) return;
      const pages = [...new Set([0, ...(visiblePages.get(path) ?? [])])];
      try {
        const results = await Promise.all(
          pages.map((page) => api().call('znode.list', { connectionId, path, offset: page * pageSize, limit: pageSize })),
        );
        if (listings.value.get(path) !== old) return;
        const fresh: Listing = { total: results[0]!.total, pages: new Map(), loading: new Set() };
        results.forEach((result, i) => fresh.pages.set(pages[i]!, result.children));
        listings.value.set(path, fresh);
        updateStat(path, results[0]!.stat);
      } catch (err) {
        if (apiErrorOf(err)?.code === noNodeCode) {
          listings.value.delete(path);
          expanded.value.delete(path);
        } else error.value = errorText(err);
      } finally {
        touch();
      }
    }

    async function refreshAll(): Promise<void> {
      const paths = [...listings.value.keys()];
      await Promise.all(paths.map((p) => refreshListing(p)));
    }

    /** A watch event: the listings that show the changed node are re-read, batched so bursts cost one read each. */
    function handleChange(type: ZnodeChangeType, path: string): void {
      if (type === 'childrenChanged') pendingRefresh.add(path);
      if (type === 'created' || type === 'deleted') pendingRefresh.add(parentOf(path));
      if (type === 'dataChanged') pendingRefresh.add(parentOf(path));
      if (type === 'deleted') createdModes.delete(path);
      if (refreshTimer !== undefined) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = undefined;
        const paths = new Set<string>();
        for (const p of pendingRefresh) {
          if (listings.value.has(p)) paths.add(p);
          // A node never expanded (often one that had no children) has no listing, but its row shows its child
          // count and expand arrow from its stat: re-reading the parent's listing brings that stat up to date.
          else if (p !== '/' && listings.value.has(parentOf(p))) paths.add(parentOf(p));
        }
        pendingRefresh.clear();
        for (const p of paths) void refreshListing(p);
      }, refreshDelayMs);
    }

    /** Expands every ancestor of path, selects it and returns its row index once the rows show it (or -1). */
    async function reveal(path: string): Promise<number> {
      for (const ancestor of ancestorsOf(path)) {
        expanded.value.add(ancestor);
        if (!listings.value.has(ancestor)) await loadPage(ancestor, 0);
      }
      touch();
      selected.value = path;
      return rows.value.findIndex((r) => r.kind === 'node' && r.path === path);
    }

    function rememberCreated(path: string, mode: CreateModeName): void {
      createdModes.set(path, mode);
    }

    function createdModeOf(path: string): CreateModeName | undefined {
      return createdModes.get(path);
    }

    const rows = computed<TreeRow[]>(() =>
      flattenTree({ listings: listings.value, expanded: expanded.value, rootStat: rootStat.value, filter: filter.value }),
    );

    const filterCoverage = computed(() => loadedCoverage(listings.value, expanded.value));

    function listingTotal(path: string): number | undefined {
      void listings.value;
      return listings.value.get(path)?.total;
    }

    return {
      rows,
      selected,
      filter,
      error,
      rootStat,
      filterCoverage,
      expand,
      collapse,
      toggle,
      ensureLoaded,
      setFilter,
      refreshListing,
      refreshAll,
      handleChange,
      reveal,
      rememberCreated,
      createdModeOf,
      listingTotal,
      loadRoot: () => loadPage('/', 0),
    };
  });
}

export const useExplorerStore = perConnection(createExplorerStore);
