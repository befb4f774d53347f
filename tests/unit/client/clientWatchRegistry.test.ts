// Client-side watch bookkeeping (ZKWatchManager rules) and connect-string parsing.
import { describe, expect, it } from 'vitest';
import { ClientWatchRegistry, type WatchedEvent } from '../../../node-core/client/clientWatchRegistry.js';
import { Chroot, parseConnectString, shuffled, validatePath } from '../../../node-core/client/connectString.js';
import { EventType, WatcherType } from '../../../node-core/protocol/constants.js';

const noop = (_e: WatchedEvent) => undefined;

describe('ClientWatchRegistry', () => {
  it('consumes one-shot watches by event type', () => {
    const r = new ClientWatchRegistry();
    const data = () => undefined;
    const exist = () => undefined;
    const child = () => undefined;
    r.add('data', '/a', data);
    r.add('exist', '/b', exist);
    r.add('child', '/a', child);
    expect(r.materialize(EventType.nodeChildrenChanged, '/a')).toEqual([child]);
    expect(r.materialize(EventType.nodeChildrenChanged, '/a')).toEqual([]);
    expect(r.materialize(EventType.nodeCreated, '/b')).toEqual([exist]);
    expect(r.materialize(EventType.nodeDataChanged, '/a')).toEqual([data]);
    expect(r.isEmpty).toBe(true);
  });

  it('NodeDeleted takes data, exist and child watches; a callback is called once', () => {
    const r = new ClientWatchRegistry();
    r.add('data', '/a', noop);
    r.add('child', '/a', noop);
    expect(r.materialize(EventType.nodeDeleted, '/a')).toEqual([noop]);
    expect(r.isEmpty).toBe(true);
  });

  it('persistent watches stay; recursive ones match descendants', () => {
    const r = new ClientWatchRegistry();
    const p = () => undefined;
    const rec = () => undefined;
    r.add('persistent', '/a', p);
    r.add('persistentRecursive', '/', rec);
    expect(r.materialize(EventType.nodeDataChanged, '/a')).toEqual([p, rec]);
    expect(r.materialize(EventType.nodeCreated, '/a/b/c')).toEqual([rec]);
    expect(r.materialize(EventType.none, '/a')).toEqual([]);
    expect(r.all()).toEqual([p, rec]);
  });

  it('removes by watcher type and reports what each removed callback is told', () => {
    const r = new ClientWatchRegistry();
    const a = () => undefined;
    const b = () => undefined;
    r.add('data', '/x', a);
    r.add('exist', '/x', b);
    r.add('child', '/x', a);
    r.add('persistent', '/x', b);
    expect(r.contains('/x', WatcherType.children, b)).toBe(false);
    expect(r.contains('/x', WatcherType.data, b)).toBe(true);
    expect(r.remove('/x', WatcherType.data, a)).toEqual([{ watcher: a, type: EventType.dataWatchRemoved }]);
    expect(r.remove('/x', WatcherType.any)).toEqual([
      { watcher: b, type: EventType.dataWatchRemoved },
      { watcher: a, type: EventType.childWatchRemoved },
      { watcher: b, type: EventType.persistentWatchRemoved },
    ]);
    expect(r.isEmpty).toBe(true);
  });
});

describe('connect strings and chroot', () => {
  it('parses hosts, default port, IPv6 and chroot', () => {
    expect(parseConnectString('a:1,b:2/app/x')).toEqual({
      hosts: [
        { host: 'a', port: 1 },
        { host: 'b', port: 2 },
      ],
      chroot: '/app/x',
    });
    expect(parseConnectString('h')).toEqual({ hosts: [{ host: 'h', port: 2181 }], chroot: undefined });
    expect(parseConnectString('[::1]:3000/')).toEqual({ hosts: [{ host: '::1', port: 3000 }], chroot: undefined });
    expect(() => parseConnectString('/only')).toThrow(/no server/);
    expect(() => parseConnectString('h:99999')).toThrow(/invalid port/);
  });

  it('maps paths in and out of the chroot', () => {
    const c = new Chroot('/app');
    expect(c.toServer('/')).toBe('/app');
    expect(c.toServer('/x')).toBe('/app/x');
    expect(c.toClient('/app')).toBe('/');
    expect(c.toClient('/app/x/y')).toBe('/x/y');
    expect(c.toClient('/apple')).toBe('/apple');
    expect(new Chroot(undefined).toServer('/x')).toBe('/x');
  });

  it('validates paths like ZooKeeper PathUtils', () => {
    expect(() => validatePath('/')).not.toThrow();
    expect(() => validatePath('/a/b')).not.toThrow();
    for (const bad of ['', 'a', '/a/', '/a//b', '/a/./b', '/a/..']) expect(() => validatePath(bad)).toThrow();
  });

  it('shuffles without losing hosts', () => {
    const items = [1, 2, 3, 4, 5];
    expect([...shuffled(items)].sort()).toEqual(items);
    expect(shuffled(items, () => 0)).toEqual([2, 3, 4, 5, 1]);
  });
});
