// The server's registry of watches (ZooKeeper 3.8's DataTree dataWatches + childWatches): who is told what when a
// znode is created, deleted or changed. Pure: the server turns the returned deliveries into WatcherEvent frames.
import { EventType, WatcherType } from '../protocol/constants.js';

/** A connection; opaque here (the server maps it to its session for reports). */
export type WatcherId = number;

export type TriggerType = 'created' | 'deleted' | 'dataChanged' | 'childrenChanged';

export interface WatchDelivery {
  watcher: WatcherId;
  eventType: number;
  path: string;
}

/** What setWatches replay needs to know about the tree at the moment it is applied. */
export interface WatchReplayTree {
  exists(path: string): boolean;
  mzxid(path: string): bigint;
  pzxid(path: string): bigint;
}

export interface SetWatchesLists {
  dataWatches: readonly string[];
  existWatches: readonly string[];
  childWatches: readonly string[];
  persistentWatches?: readonly string[];
  persistentRecursiveWatches?: readonly string[];
}

/** The `wchs` numbers: connections and paths with watches, and their total. */
export interface WatchesSummary {
  connections: number;
  paths: number;
  totalWatches: number;
}

type WatchMode = 'standard' | 'persistent' | 'persistentRecursive';

/**
 * One of ZooKeeper's two per-tree watch tables. Each (watcher, path) holds exactly one mode: in 3.8 the last add
 * wins, so a one-shot watch set after a persistent one on the same path replaces it (fixed only in 3.9 by
 * ZOOKEEPER-4466); we keep 3.8's behaviour because 3.8 is the reference clients are compared against.
 */
class WatchTable {
  private readonly byPath = new Map<string, Map<WatcherId, WatchMode>>();
  private readonly byWatcher = new Map<WatcherId, Set<string>>();
  private recursiveCount = 0;

  add(path: string, watcher: WatcherId, mode: WatchMode): void {
    let watchers = this.byPath.get(path);
    if (watchers === undefined) {
      watchers = new Map();
      this.byPath.set(path, watchers);
    }
    const previous = watchers.get(watcher);
    if (previous === 'persistentRecursive') this.recursiveCount--;
    if (mode === 'persistentRecursive') this.recursiveCount++;
    watchers.set(watcher, mode);
    let paths = this.byWatcher.get(watcher);
    if (paths === undefined) {
      paths = new Set();
      this.byWatcher.set(watcher, paths);
    }
    paths.add(path);
  }

  modeOf(path: string, watcher: WatcherId): WatchMode | undefined {
    return this.byPath.get(path)?.get(watcher);
  }

  /** Removes the watch whatever its mode; true when there was one. */
  remove(path: string, watcher: WatcherId): boolean {
    const watchers = this.byPath.get(path);
    const mode = watchers?.get(watcher);
    if (watchers === undefined || mode === undefined) return false;
    watchers.delete(watcher);
    if (watchers.size === 0) this.byPath.delete(path);
    if (mode === 'persistentRecursive') this.recursiveCount--;
    const paths = this.byWatcher.get(watcher);
    if (paths !== undefined) {
      paths.delete(path);
      if (paths.size === 0) this.byWatcher.delete(watcher);
    }
    return true;
  }

  removeWatcher(watcher: WatcherId): void {
    const paths = this.byWatcher.get(watcher);
    if (paths === undefined) return;
    for (const path of [...paths]) this.remove(path, watcher);
  }

  /** 3.8's containsWatcher answers whether anyone watches the path, not only the asking watcher. */
  hasAnyWatchOn(path: string): boolean {
    return this.byPath.has(path);
  }

  /**
   * Fires the table for one event: watches on the path itself (one-shot ones are consumed), and persistent
   * recursive watches on the path or an ancestor, except for NodeChildrenChanged which recursive watches never get.
   */
  trigger(path: string, eventType: number, fired: Set<WatcherId>): void {
    let current: string | undefined = path;
    let atPath = true;
    while (current !== undefined) {
      const watchers = this.byPath.get(current);
      if (watchers !== undefined) {
        for (const [watcher, mode] of [...watchers]) {
          if (mode === 'persistentRecursive') {
            if (eventType !== EventType.nodeChildrenChanged) fired.add(watcher);
          } else if (atPath) {
            fired.add(watcher);
            if (mode === 'standard') this.remove(current, watcher);
          }
        }
      }
      // Without recursive watches no ancestor can match, as ZooKeeper's PathParentIterator.forPathOnly shortcut.
      if (this.recursiveCount === 0) break;
      current = parentOf(current);
      atPath = false;
    }
  }

  get size(): number {
    let total = 0;
    for (const watchers of this.byPath.values()) total += watchers.size;
    return total;
  }

  get connectionCount(): number {
    return this.byWatcher.size;
  }

  get pathCount(): number {
    return this.byPath.size;
  }

  bySession(): Map<WatcherId, string[]> {
    return new Map([...this.byWatcher].map(([w, paths]) => [w, [...paths]]));
  }

  byPathReport(): Map<string, WatcherId[]> {
    return new Map([...this.byPath].map(([path, watchers]) => [path, [...watchers.keys()]]));
  }
}

function parentOf(path: string): string | undefined {
  if (path === '/' || path === '') return undefined;
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '/' : path.slice(0, slash);
}

const eventTypeOf: Record<TriggerType, number> = {
  created: EventType.nodeCreated,
  deleted: EventType.nodeDeleted,
  dataChanged: EventType.nodeDataChanged,
  childrenChanged: EventType.nodeChildrenChanged,
};

export class WatchManager {
  private readonly data = new WatchTable();
  private readonly child = new WatchTable();

  addDataWatch(path: string, watcher: WatcherId): void {
    this.data.add(path, watcher, 'standard');
  }

  /** ZooKeeper keeps exists watches in the data table: NodeCreated and NodeDataChanged both fire them. */
  addExistWatch(path: string, watcher: WatcherId): void {
    this.data.add(path, watcher, 'standard');
  }

  addChildWatch(path: string, watcher: WatcherId): void {
    this.child.add(path, watcher, 'standard');
  }

  /** addWatch (opcode 106) puts the watch in both tables, as DataTree.addWatch does. */
  addPersistentWatch(path: string, watcher: WatcherId, recursive: boolean): void {
    const mode: WatchMode = recursive ? 'persistentRecursive' : 'persistent';
    this.data.add(path, watcher, mode);
    this.child.add(path, watcher, mode);
  }

  /**
   * The deliveries one tree change causes. The tree calls this once per event: `created` for the new node and
   * `childrenChanged` for its parent, `deleted` for the removed node and `childrenChanged` for its parent,
   * `dataChanged` for setData. A watcher gets at most one delivery per call.
   */
  trigger(path: string, type: TriggerType): WatchDelivery[] {
    const eventType = eventTypeOf[type];
    const watchers = new Set<WatcherId>();
    switch (type) {
      case 'created':
      case 'dataChanged':
        this.data.trigger(path, eventType, watchers);
        break;
      case 'childrenChanged':
        this.child.trigger(path, eventType, watchers);
        break;
      case 'deleted':
        // The child table is fired too so its one-shot watches are consumed; whoever the data table already told
        // is not told twice (ZooKeeper's "suppress" set).
        this.data.trigger(path, eventType, watchers);
        this.child.trigger(path, eventType, watchers);
        break;
    }
    return [...watchers].map((watcher) => ({ watcher, eventType, path }));
  }

  /**
   * removeWatches (opcode 18) for one connection; false means the server answers NoWatcher. Data and Children
   * remove the watch on that path in their table whatever its mode, Any in both (3.8). Persistent and
   * PersistentRecursive (3.9 types; 3.8's server rejects them with MarshallingError) remove only that mode.
   */
  removeWatches(path: string, watcher: WatcherId, watcherType: number): boolean {
    switch (watcherType) {
      case WatcherType.children:
        return this.child.remove(path, watcher);
      case WatcherType.data:
        return this.data.remove(path, watcher);
      case WatcherType.any: {
        const fromChild = this.child.remove(path, watcher);
        const fromData = this.data.remove(path, watcher);
        return fromChild || fromData;
      }
      case WatcherType.persistent:
      case WatcherType.persistentRecursive: {
        const mode: WatchMode = watcherType === WatcherType.persistent ? 'persistent' : 'persistentRecursive';
        let removed = false;
        for (const table of [this.child, this.data]) {
          if (table.modeOf(path, watcher) === mode) removed = table.remove(path, watcher) || removed;
        }
        return removed;
      }
      default:
        return false;
    }
  }

  /**
   * checkWatches (opcode 17). 3.8 answers whether the path has any watch in the table for that type, whoever set
   * it; we keep that so a differential test sees the same replies. The 3.9 types look at this watcher's mode.
   */
  containsWatch(path: string, watcher: WatcherId, watcherType: number): boolean {
    switch (watcherType) {
      case WatcherType.children:
        return this.child.hasAnyWatchOn(path);
      case WatcherType.data:
        return this.data.hasAnyWatchOn(path);
      case WatcherType.any:
        return this.child.hasAnyWatchOn(path) || this.data.hasAnyWatchOn(path);
      case WatcherType.persistent:
        return this.data.modeOf(path, watcher) === 'persistent' || this.child.modeOf(path, watcher) === 'persistent';
      case WatcherType.persistentRecursive:
        return this.data.modeOf(path, watcher) === 'persistentRecursive';
      default:
        return false;
    }
  }

  /** The connection closed: forget all of its watches. */
  removeWatcher(watcher: WatcherId): void {
    this.data.removeWatcher(watcher);
    this.child.removeWatcher(watcher);
  }

  /**
   * Applies a setWatches/setWatches2 request from a reconnecting client: watches whose condition already changed
   * since relativeZxid (the client's last seen zxid) fire at once instead of being registered.
   */
  setWatchesReplay(
    tree: WatchReplayTree,
    relativeZxid: bigint,
    lists: SetWatchesLists,
    watcher: WatcherId,
  ): WatchDelivery[] {
    const deliveries: WatchDelivery[] = [];
    const fire = (eventType: number, path: string) => deliveries.push({ watcher, eventType, path });
    for (const path of lists.dataWatches) {
      if (!tree.exists(path)) fire(EventType.nodeDeleted, path);
      else if (tree.mzxid(path) > relativeZxid) fire(EventType.nodeDataChanged, path);
      else this.addDataWatch(path, watcher);
    }
    for (const path of lists.existWatches) {
      if (tree.exists(path)) fire(EventType.nodeCreated, path);
      else this.addExistWatch(path, watcher);
    }
    for (const path of lists.childWatches) {
      if (!tree.exists(path)) fire(EventType.nodeDeleted, path);
      else if (tree.pzxid(path) > relativeZxid) fire(EventType.nodeChildrenChanged, path);
      else this.addChildWatch(path, watcher);
    }
    for (const path of lists.persistentWatches ?? []) this.addPersistentWatch(path, watcher, false);
    for (const path of lists.persistentRecursiveWatches ?? []) this.addPersistentWatch(path, watcher, true);
    return deliveries;
  }

  /** Watches in both tables (mntr's zk_watch_count). */
  get size(): number {
    return this.data.size + this.child.size;
  }

  /** wchs numbers. Like 3.8, reports cover the data table only (child-only watches do not show in wchc/wchp). */
  get stats(): WatchesSummary {
    return { connections: this.data.connectionCount, paths: this.data.pathCount, totalWatches: this.data.size };
  }

  /** wchc: paths watched per connection (data table, as 3.8). */
  watchesBySession(): Map<WatcherId, string[]> {
    return this.data.bySession();
  }

  /** wchp: connections watching each path (data table, as 3.8). */
  watchesByPath(): Map<string, WatcherId[]> {
    return this.data.byPathReport();
  }
}
