// Rules of ZooKeeper 3.8's server-side watch tables, as DataTree drives them.
import { describe, expect, it } from 'vitest';
import { WatchManager, type WatchReplayTree } from '../../../node-core/watch/watchManager.js';
import { EventType, WatcherType } from '../../../node-core/protocol/constants.js';

const A = 1;
const B = 2;

function sorted<T extends { watcher: number }>(list: T[]): T[] {
  return [...list].sort((x, y) => x.watcher - y.watcher);
}

describe('WatchManager one-shot watches', () => {
  it('fires a data watch once on dataChanged', () => {
    const m = new WatchManager();
    m.addDataWatch('/a', A);
    expect(m.trigger('/a', 'dataChanged')).toEqual([{ watcher: A, eventType: EventType.nodeDataChanged, path: '/a' }]);
    expect(m.trigger('/a', 'dataChanged')).toEqual([]);
    expect(m.size).toBe(0);
  });

  it('fires an exist watch on created and it is consumed', () => {
    const m = new WatchManager();
    m.addExistWatch('/a', A);
    expect(m.trigger('/a', 'created')).toEqual([{ watcher: A, eventType: EventType.nodeCreated, path: '/a' }]);
    expect(m.trigger('/a', 'created')).toEqual([]);
  });

  it('does not fire child watches on created/dataChanged, nor data watches on childrenChanged', () => {
    const m = new WatchManager();
    m.addChildWatch('/a', A);
    m.addDataWatch('/a', B);
    expect(m.trigger('/a', 'created')).toEqual([{ watcher: B, eventType: EventType.nodeCreated, path: '/a' }]);
    m.addDataWatch('/a', B);
    expect(m.trigger('/a', 'childrenChanged')).toEqual([
      { watcher: A, eventType: EventType.nodeChildrenChanged, path: '/a' },
    ]);
    expect(m.trigger('/a', 'dataChanged')).toEqual([{ watcher: B, eventType: EventType.nodeDataChanged, path: '/a' }]);
  });

  it('deleted reaches data and child watches once per watcher and consumes both', () => {
    const m = new WatchManager();
    m.addDataWatch('/a', A);
    m.addChildWatch('/a', A);
    m.addChildWatch('/a', B);
    expect(sorted(m.trigger('/a', 'deleted'))).toEqual([
      { watcher: A, eventType: EventType.nodeDeleted, path: '/a' },
      { watcher: B, eventType: EventType.nodeDeleted, path: '/a' },
    ]);
    expect(m.size).toBe(0);
  });

  it('does not fire watches on other paths or ancestors', () => {
    const m = new WatchManager();
    m.addDataWatch('/a', A);
    m.addChildWatch('/a', A);
    expect(m.trigger('/a/b', 'created')).toEqual([]);
    expect(m.trigger('/a/b', 'deleted')).toEqual([]);
    expect(m.trigger('/ab', 'dataChanged')).toEqual([]);
    expect(m.size).toBe(2);
  });
});

describe('WatchManager persistent watches', () => {
  it('a persistent watch gets every event on its path and stays', () => {
    const m = new WatchManager();
    m.addPersistentWatch('/a', A, false);
    const types = (['created', 'dataChanged', 'childrenChanged', 'deleted'] as const).map(
      (t) => m.trigger('/a', t)[0]?.eventType,
    );
    expect(types).toEqual([
      EventType.nodeCreated,
      EventType.nodeDataChanged,
      EventType.nodeChildrenChanged,
      EventType.nodeDeleted,
    ]);
    expect(m.trigger('/a', 'dataChanged')).toHaveLength(1);
    expect(m.trigger('/a/b', 'created')).toEqual([]);
    expect(m.size).toBe(2);
  });

  it('a recursive watch sees the path and descendants but never childrenChanged', () => {
    const m = new WatchManager();
    m.addPersistentWatch('/a', A, true);
    expect(m.trigger('/a/b/c', 'created')).toEqual([{ watcher: A, eventType: EventType.nodeCreated, path: '/a/b/c' }]);
    expect(m.trigger('/a/b', 'childrenChanged')).toEqual([]);
    expect(m.trigger('/a', 'childrenChanged')).toEqual([]);
    expect(m.trigger('/a/b/c', 'dataChanged')).toHaveLength(1);
    expect(m.trigger('/a/b/c', 'deleted')).toEqual([{ watcher: A, eventType: EventType.nodeDeleted, path: '/a/b/c' }]);
    expect(m.trigger('/a', 'dataChanged')).toHaveLength(1);
    expect(m.trigger('/b', 'created')).toEqual([]);
    expect(m.trigger('/ab', 'created')).toEqual([]);
  });

  it('a recursive watch on / sees everything', () => {
    const m = new WatchManager();
    m.addPersistentWatch('/', A, true);
    expect(m.trigger('/x', 'created')).toHaveLength(1);
    expect(m.trigger('/x/y', 'dataChanged')).toHaveLength(1);
  });

  it('gives a watcher one event even when several of its watches match', () => {
    const m = new WatchManager();
    m.addPersistentWatch('/', A, true);
    m.addPersistentWatch('/a', A, true);
    m.addDataWatch('/a/b', A);
    m.addPersistentWatch('/a/b', B, false);
    expect(sorted(m.trigger('/a/b', 'dataChanged'))).toEqual([
      { watcher: A, eventType: EventType.nodeDataChanged, path: '/a/b' },
      { watcher: B, eventType: EventType.nodeDataChanged, path: '/a/b' },
    ]);
    // the one-shot data watch on /a/b was consumed by that trigger even though A was told once
    m.removeWatcher(B);
    m.removeWatches('/', A, WatcherType.any);
    m.removeWatches('/a', A, WatcherType.any);
    expect(m.size).toBe(0);
  });

  it('like 3.8, a one-shot watch set later on the same path replaces the persistent one', () => {
    const m = new WatchManager();
    m.addPersistentWatch('/a', A, false);
    m.addDataWatch('/a', A);
    expect(m.trigger('/a', 'dataChanged')).toHaveLength(1);
    expect(m.trigger('/a', 'dataChanged')).toEqual([]);
    // the child table still holds the persistent mode
    expect(m.trigger('/a', 'childrenChanged')).toHaveLength(1);
    expect(m.trigger('/a', 'childrenChanged')).toHaveLength(1);
  });
});

describe('WatchManager removeWatches and containsWatch', () => {
  it('removes by type and answers false when nothing matched', () => {
    const m = new WatchManager();
    m.addDataWatch('/a', A);
    m.addChildWatch('/a', A);
    expect(m.removeWatches('/a', B, WatcherType.data)).toBe(false);
    expect(m.removeWatches('/a', A, WatcherType.children)).toBe(true);
    expect(m.removeWatches('/a', A, WatcherType.children)).toBe(false);
    expect(m.removeWatches('/a', A, WatcherType.any)).toBe(true);
    expect(m.removeWatches('/a', A, WatcherType.any)).toBe(false);
    expect(m.removeWatches('/a', A, 99)).toBe(false);
  });

  it('removes persistent watches with any, persistent and persistentRecursive', () => {
    const m = new WatchManager();
    m.addPersistentWatch('/p', A, false);
    m.addPersistentWatch('/r', A, true);
    expect(m.removeWatches('/p', A, WatcherType.persistentRecursive)).toBe(false);
    expect(m.removeWatches('/p', A, WatcherType.persistent)).toBe(true);
    expect(m.trigger('/p', 'dataChanged')).toEqual([]);
    expect(m.removeWatches('/r', A, WatcherType.persistent)).toBe(false);
    expect(m.removeWatches('/r', A, WatcherType.persistentRecursive)).toBe(true);
    expect(m.trigger('/r/x', 'created')).toEqual([]);
    m.addPersistentWatch('/r', A, true);
    expect(m.removeWatches('/r', A, WatcherType.any)).toBe(true);
    expect(m.trigger('/r/x', 'created')).toEqual([]);
    expect(m.size).toBe(0);
  });

  it('containsWatch follows 3.8: any watch on the path in that table counts', () => {
    const m = new WatchManager();
    m.addDataWatch('/a', A);
    expect(m.containsWatch('/a', A, WatcherType.data)).toBe(true);
    expect(m.containsWatch('/a', B, WatcherType.data)).toBe(true);
    expect(m.containsWatch('/a', A, WatcherType.children)).toBe(false);
    expect(m.containsWatch('/a', A, WatcherType.any)).toBe(true);
    expect(m.containsWatch('/b', A, WatcherType.any)).toBe(false);
    m.addPersistentWatch('/r', A, true);
    expect(m.containsWatch('/r', A, WatcherType.persistentRecursive)).toBe(true);
    expect(m.containsWatch('/r', A, WatcherType.persistent)).toBe(false);
    expect(m.containsWatch('/r', B, WatcherType.persistentRecursive)).toBe(false);
  });

  it('removeWatcher forgets a closed connection everywhere', () => {
    const m = new WatchManager();
    m.addDataWatch('/a', A);
    m.addChildWatch('/b', A);
    m.addPersistentWatch('/', A, true);
    m.addDataWatch('/a', B);
    m.removeWatcher(A);
    expect(m.trigger('/a', 'dataChanged')).toEqual([{ watcher: B, eventType: EventType.nodeDataChanged, path: '/a' }]);
    expect(m.trigger('/b', 'childrenChanged')).toEqual([]);
    expect(m.size).toBe(0);
  });
});

describe('WatchManager reports', () => {
  it('counts like wchs/wchc/wchp (data table only) and size counts both tables', () => {
    const m = new WatchManager();
    m.addDataWatch('/a', A);
    m.addExistWatch('/b', A);
    m.addDataWatch('/a', B);
    m.addChildWatch('/c', B);
    expect(m.size).toBe(4);
    expect(m.stats).toEqual({ connections: 2, paths: 2, totalWatches: 3 });
    expect(m.watchesBySession()).toEqual(new Map([[A, ['/a', '/b']], [B, ['/a']]]));
    expect(m.watchesByPath()).toEqual(new Map([['/a', [A, B]], ['/b', [A]]]));
  });
});

describe('WatchManager setWatchesReplay', () => {
  const nodes = new Map<string, { mzxid: bigint; pzxid: bigint }>([
    ['/same', { mzxid: 5n, pzxid: 5n }],
    ['/newer', { mzxid: 9n, pzxid: 9n }],
  ]);
  const tree: WatchReplayTree = {
    exists: (p) => nodes.has(p),
    mzxid: (p) => nodes.get(p)!.mzxid,
    pzxid: (p) => nodes.get(p)!.pzxid,
  };

  it('fires what changed since relativeZxid and registers the rest', () => {
    const m = new WatchManager();
    const events = m.setWatchesReplay(
      tree,
      5n,
      {
        dataWatches: ['/same', '/newer', '/gone'],
        existWatches: ['/same', '/gone'],
        childWatches: ['/same', '/newer', '/gone'],
        persistentWatches: ['/p'],
        persistentRecursiveWatches: ['/r'],
      },
      A,
    );
    expect(events).toEqual([
      { watcher: A, eventType: EventType.nodeDataChanged, path: '/newer' },
      { watcher: A, eventType: EventType.nodeDeleted, path: '/gone' },
      { watcher: A, eventType: EventType.nodeCreated, path: '/same' },
      { watcher: A, eventType: EventType.nodeChildrenChanged, path: '/newer' },
      { watcher: A, eventType: EventType.nodeDeleted, path: '/gone' },
    ]);
    // registered: data /same, exist /gone, child /same, persistent /p (2 tables), recursive /r (2 tables)
    expect(m.size).toBe(7);
    expect(m.trigger('/same', 'dataChanged')).toHaveLength(1);
    expect(m.trigger('/gone', 'created')).toHaveLength(1);
    expect(m.trigger('/same', 'childrenChanged')).toHaveLength(1);
    expect(m.trigger('/p', 'childrenChanged')).toHaveLength(1);
    expect(m.trigger('/r/deep', 'created')).toHaveLength(1);
  });
});
