// The client's side of watches (ZooKeeper's ZKWatchManager): which callbacks a notification reaches, which one-shot
// watches it consumes, and the lists a reconnect re-registers with setWatches.
import { EventType, WatcherType } from '../protocol/constants.js';

export interface WatchedEvent {
  /** EventType: -1 (None) for session state changes. */
  type: number;
  /** KeeperState. */
  state: number;
  /** Client (chroot-relative) path; undefined for state changes. */
  path: string | undefined;
}

export type Watcher = (event: WatchedEvent) => void;

export type WatchKind = 'data' | 'exist' | 'child' | 'persistent' | 'persistentRecursive';

const kinds: readonly WatchKind[] = ['data', 'exist', 'child', 'persistent', 'persistentRecursive'];

function ancestorsAndSelf(path: string): string[] {
  const result = [path];
  let current = path;
  while (current !== '/') {
    const slash = current.lastIndexOf('/');
    current = slash <= 0 ? '/' : current.slice(0, slash);
    result.push(current);
  }
  return result;
}

export class ClientWatchRegistry {
  private readonly tables: Record<WatchKind, Map<string, Set<Watcher>>> = {
    data: new Map(),
    exist: new Map(),
    child: new Map(),
    persistent: new Map(),
    persistentRecursive: new Map(),
  };

  add(kind: WatchKind, path: string, watcher: Watcher): void {
    const table = this.tables[kind];
    let set = table.get(path);
    if (set === undefined) {
      set = new Set();
      table.set(path, set);
    }
    set.add(watcher);
  }

  private take(kind: WatchKind, path: string, into: Set<Watcher>): void {
    const set = this.tables[kind].get(path);
    if (set === undefined) return;
    this.tables[kind].delete(path);
    for (const w of set) into.add(w);
  }

  private peek(kind: WatchKind, path: string, into: Set<Watcher>): void {
    for (const w of this.tables[kind].get(path) ?? []) into.add(w);
  }

  /** The callbacks one notification reaches (each once), consuming the one-shot watches it fires. */
  materialize(type: number, path: string): Watcher[] {
    const result = new Set<Watcher>();
    switch (type) {
      case EventType.nodeCreated:
      case EventType.nodeDataChanged:
        this.take('data', path, result);
        this.take('exist', path, result);
        break;
      case EventType.nodeChildrenChanged:
        this.take('child', path, result);
        break;
      case EventType.nodeDeleted:
        this.take('data', path, result);
        this.take('exist', path, result);
        this.take('child', path, result);
        break;
      default:
        return [];
    }
    this.peek('persistent', path, result);
    for (const p of ancestorsAndSelf(path)) this.peek('persistentRecursive', p, result);
    return [...result];
  }

  /** Every registered callback, for session state events (ZooKeeper tells all watchers about them). */
  all(): Watcher[] {
    const result = new Set<Watcher>();
    for (const kind of kinds) for (const set of this.tables[kind].values()) for (const w of set) result.add(w);
    return [...result];
  }

  /** Drops every one-shot watch: after expiry or close nothing can fire them any more. */
  clear(): void {
    for (const kind of kinds) this.tables[kind].clear();
  }

  paths(kind: WatchKind): string[] {
    return [...this.tables[kind].keys()];
  }

  get isEmpty(): boolean {
    return kinds.every((k) => this.tables[k].size === 0);
  }

  /** The kinds a RemoveWatches/CheckWatches watcher type covers on the client. */
  private kindsFor(watcherType: number): WatchKind[] {
    switch (watcherType) {
      case WatcherType.children:
        return ['child'];
      case WatcherType.data:
        return ['data', 'exist'];
      case WatcherType.persistent:
        return ['persistent'];
      case WatcherType.persistentRecursive:
        return ['persistentRecursive'];
      default:
        return [...kinds];
    }
  }

  contains(path: string, watcherType: number, watcher?: Watcher): boolean {
    return this.kindsFor(watcherType).some((kind) => {
      const set = this.tables[kind].get(path);
      return set !== undefined && (watcher === undefined ? set.size > 0 : set.has(watcher));
    });
  }

  /**
   * Removes matching watches and returns each removed callback with the event type telling it so
   * (DataWatchRemoved, ChildWatchRemoved or PersistentWatchRemoved).
   */
  remove(path: string, watcherType: number, watcher?: Watcher): Array<{ watcher: Watcher; type: number }> {
    const removed: Array<{ watcher: Watcher; type: number }> = [];
    for (const kind of this.kindsFor(watcherType)) {
      const table = this.tables[kind];
      const set = table.get(path);
      if (set === undefined) continue;
      const victims = watcher === undefined ? [...set] : set.has(watcher) ? [watcher] : [];
      for (const w of victims) {
        set.delete(w);
        const type =
          kind === 'child'
            ? EventType.childWatchRemoved
            : kind === 'data' || kind === 'exist'
              ? EventType.dataWatchRemoved
              : EventType.persistentWatchRemoved;
        removed.push({ watcher: w, type });
      }
      if (set.size === 0) table.delete(path);
    }
    return removed;
  }
}
