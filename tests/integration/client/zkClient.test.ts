// Every operation of ZkClient against a real server: results, KeeperError codes, watches, multi, auth, chroot.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AddWatchMode,
  CreateMode,
  ErrorCode,
  EventType,
  KeeperError,
  OpCode,
  Perms,
  WatcherType,
} from '../../../node-core/protocol/index.js';
import { MultiError, ZkClient, type WatchedEvent } from '../../../node-core/client/index.js';
import type { ZkTarget } from '../../helpers/zkTarget.js';
import { clientTestTargets, connectClient, eventually, startServer } from './clientTargets.js';

async function expectCode(promise: Promise<unknown>, code: number): Promise<KeeperError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KeeperError);
  expect((error as KeeperError).code).toBe(code);
  return error as KeeperError;
}

function recorder(): { events: WatchedEvent[]; watcher: (e: WatchedEvent) => void; nodeEvents: () => WatchedEvent[] } {
  const events: WatchedEvent[] = [];
  return { events, watcher: (e) => events.push(e), nodeEvents: () => events.filter((e) => e.type !== EventType.none) };
}

describe.each(clientTestTargets())('ZkClient operations against %s', (kind) => {
  let server: ZkTarget;
  let client: ZkClient;
  let other: ZkClient;

  beforeAll(async () => {
    server = await startServer(kind);
    client = await connectClient(server.connectString);
    other = await connectClient(server.connectString);
  });
  afterAll(async () => {
    await client?.close();
    await other?.close();
    await server?.stop();
  });

  it('connects and reports the session', () => {
    expect(client.state).toBe('connected');
    expect(client.sessionId).not.toBe(0n);
    expect(client.negotiatedTimeout).toBe(10_000);
  });

  it('create, getData, setData, exists, delete with versions', async () => {
    expect(await client.create('/crud', 'v0')).toBe('/crud');
    const { data, stat } = await client.getData('/crud');
    expect(data?.toString()).toBe('v0');
    expect(stat.version).toBe(0);
    const s1 = await client.setData('/crud', 'v1', 0);
    expect(s1.version).toBe(1);
    await expectCode(client.setData('/crud', 'v2', 0), ErrorCode.badVersion);
    expect((await client.exists('/crud'))?.version).toBe(1);
    expect(await client.exists('/crud-missing')).toBeNull();
    await expectCode(client.create('/crud', 'again'), ErrorCode.nodeExists);
    await expectCode(client.delete('/crud', 7), ErrorCode.badVersion);
    await client.delete('/crud', 1);
    expect(await client.exists('/crud')).toBeNull();
    const err = await expectCode(client.getData('/crud'), ErrorCode.noNode);
    expect(err.path).toBe('/crud');
  });

  it('keeps null data apart from empty data', async () => {
    await client.create('/nulldata');
    await client.create('/emptydata', Buffer.alloc(0));
    expect((await client.getData('/nulldata')).data).toBeNull();
    expect((await client.getData('/emptydata')).data).toEqual(Buffer.alloc(0));
  });

  it('create2, sequential, ephemeral, container and TTL modes', async () => {
    const { path, stat } = await client.createWithStat('/c2', 'x');
    expect(path).toBe('/c2');
    expect(stat.dataLength).toBe(1);
    const seq = await client.create('/c2/s-', null, { mode: CreateMode.persistentSequential });
    expect(seq).toBe('/c2/s-0000000000');
    const eph = await client.createWithStat('/c2/e', null, { mode: CreateMode.ephemeral });
    expect(eph.stat.ephemeralOwner).toBe(client.sessionId);
    await expectCode(client.create('/c2/e/child', null), ErrorCode.noChildrenForEphemerals);
    const container = await client.createWithStat('/container', null, { mode: CreateMode.container });
    // The container and TTL markers live in the server's ephemeralOwner but clients are shown 0
    // (DataNode.getClientEphemeralOwner).
    expect(container.stat.ephemeralOwner).toBe(0n);
    const ttl = await client.createWithStat('/ttl', null, { mode: CreateMode.persistentWithTtl, ttl: 60_000 });
    expect(ttl.stat.ephemeralOwner).toBe(0n);
    expect(await client.create('/ttl-plain', null, { mode: CreateMode.persistentSequentialWithTtl, ttl: 60_000 })).toMatch(
      /^\/ttl-plain\d{10}$/,
    );
    await expectCode(client.create('/ttl-missing', null, { mode: CreateMode.persistentWithTtl }), ErrorCode.badArguments);
    expect(await client.getEphemerals('/c2')).toEqual(['/c2/e']);
  });

  it('getChildren, getChildren2, getAllChildrenNumber', async () => {
    await client.create('/kids');
    await client.create('/kids/a');
    await client.create('/kids/b');
    await client.create('/kids/b/c');
    expect((await client.getChildren('/kids')).sort()).toEqual(['a', 'b']);
    const withStat = await client.getChildrenWithStat('/kids');
    expect(withStat.stat.numChildren).toBe(2);
    expect(await client.getAllChildrenNumber('/kids')).toBe(3);
    await expectCode(client.getChildren('/nokids'), ErrorCode.noNode);
  });

  it('getACL, setACL, digest auth and NoAuth', async () => {
    const digest = createHash('sha1').update('alice:secret').digest('base64');
    const acl = [{ perms: Perms.all, id: { scheme: 'digest', id: `alice:${digest}` } }];
    await client.create('/secure', 'hidden', { acl });
    const got = await client.getACL('/secure').catch((e: unknown) => e);
    expect((got as KeeperError).code).toBe(ErrorCode.noAuth);
    await expectCode(client.getData('/secure'), ErrorCode.noAuth);
    await client.addAuth('digest', 'alice:secret');
    expect((await client.getData('/secure')).data?.toString()).toBe('hidden');
    const { acl: readBack, stat } = await client.getACL('/secure');
    expect(readBack).toEqual(acl);
    const s = await client.setACL('/secure', [{ perms: Perms.read, id: { scheme: 'world', id: 'anyone' } }], stat.aversion);
    expect(s.aversion).toBe(1);
    expect((await other.getData('/secure')).data?.toString()).toBe('hidden');
    await expectCode(other.setData('/secure', 'x'), ErrorCode.noAuth);
    const me = await client.whoAmI();
    expect(me).toContainEqual({ authScheme: 'digest', user: 'alice' });
    expect(me).toContainEqual({ authScheme: 'ip', user: '127.0.0.1' });
  });

  it('sync', async () => {
    expect(await client.sync('/')).toBe('/');
  });

  it('multi: success results and atomic failure', async () => {
    const results = await client
      .transaction()
      .create('/tx', 'a')
      .create('/tx/child', null, { mode: CreateMode.persistentSequential })
      .setData('/tx', 'b')
      .check('/tx', 1)
      .commit();
    expect(results.map((r) => r.type)).toEqual([OpCode.create, OpCode.create, OpCode.setData, OpCode.check]);
    expect(results[1]).toEqual({ type: OpCode.create, path: '/tx/child0000000000' });
    const failure = await client
      .multi([
        { op: 'create', path: '/tx/new' },
        { op: 'check', path: '/tx', version: 99 },
        { op: 'delete', path: '/tx/child0000000000' },
      ])
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MultiError);
    const multiError = failure as MultiError;
    expect(multiError.code).toBe(ErrorCode.badVersion);
    expect(multiError.path).toBe('/tx');
    expect(multiError.results).toEqual([
      { type: OpCode.error, err: 0 },
      { type: OpCode.error, err: ErrorCode.badVersion },
      { type: OpCode.error, err: ErrorCode.runtimeInconsistency },
    ]);
    expect(await client.exists('/tx/new')).toBeNull();
  });

  it('multiRead returns per-op results', async () => {
    await client.create('/mr', 'data');
    await client.create('/mr/x');
    const results = await client.multiRead([
      { op: 'getData', path: '/mr' },
      { op: 'getChildren', path: '/mr' },
      { op: 'getData', path: '/mr-missing' },
    ]);
    expect(results[0]).toMatchObject({ type: OpCode.getData, data: Buffer.from('data') });
    expect(results[1]).toEqual({ type: OpCode.getChildren, children: ['x'] });
    expect(results[2]).toEqual({ type: OpCode.error, err: ErrorCode.noNode });
  });

  it('one-shot watches fire once', async () => {
    await client.create('/w', 'a');
    const data = recorder();
    const child = recorder();
    const exist = recorder();
    await client.getData('/w', data.watcher);
    await client.getChildren('/w', child.watcher);
    expect(await client.exists('/w/new', exist.watcher)).toBeNull();
    await other.setData('/w', 'b');
    await other.setData('/w', 'c');
    await other.create('/w/new');
    await other.create('/w/new2');
    await other.sync('/');
    await client.sync('/');
    await eventually(() => data.nodeEvents().length >= 1 && child.nodeEvents().length >= 1 && exist.nodeEvents().length >= 1);
    await client.sync('/');
    expect(data.nodeEvents()).toEqual([{ type: EventType.nodeDataChanged, state: 3, path: '/w' }]);
    expect(child.nodeEvents()).toEqual([{ type: EventType.nodeChildrenChanged, state: 3, path: '/w' }]);
    expect(exist.nodeEvents()).toEqual([{ type: EventType.nodeCreated, state: 3, path: '/w/new' }]);
  });

  it('a deleted node fires data and child watches with NodeDeleted', async () => {
    await client.create('/wd');
    const data = recorder();
    const child = recorder();
    await client.exists('/wd', data.watcher);
    await client.getChildren('/wd', child.watcher);
    await other.delete('/wd');
    await eventually(() => data.nodeEvents().length === 1 && child.nodeEvents().length === 1);
    expect(data.nodeEvents()[0]!.type).toBe(EventType.nodeDeleted);
    expect(child.nodeEvents()[0]!.type).toBe(EventType.nodeDeleted);
  });

  it('a persistent recursive watch sees descendants and stays', async () => {
    await client.create('/rec');
    const rec = recorder();
    await client.addWatch('/rec', rec.watcher, AddWatchMode.persistentRecursive);
    await other.create('/rec/a');
    await other.create('/rec/a/b', 'x');
    await other.setData('/rec/a/b', 'y');
    await other.delete('/rec/a/b');
    await eventually(() => rec.nodeEvents().length >= 4);
    await client.sync('/');
    expect(rec.nodeEvents().map((e) => [e.type, e.path])).toEqual([
      [EventType.nodeCreated, '/rec/a'],
      [EventType.nodeCreated, '/rec/a/b'],
      [EventType.nodeDataChanged, '/rec/a/b'],
      [EventType.nodeDeleted, '/rec/a/b'],
    ]);
    await client.removeWatches('/rec', WatcherType.any);
    expect(rec.events.at(-1)).toMatchObject({ type: EventType.persistentWatchRemoved, path: '/rec' });
    await other.create('/rec/after');
    await other.sync('/');
    await client.sync('/');
    expect(rec.nodeEvents().filter((e) => e.path === '/rec/after')).toEqual([]);
  });

  it('a persistent watch sees its own node including children changes', async () => {
    await client.create('/pers');
    const p = recorder();
    await client.addWatch('/pers', p.watcher, AddWatchMode.persistent);
    await other.create('/pers/x');
    await other.setData('/pers', 'd');
    await other.create('/pers/x/deep');
    await eventually(() => p.nodeEvents().length >= 2);
    await client.sync('/');
    expect(p.nodeEvents().map((e) => [e.type, e.path])).toEqual([
      [EventType.nodeChildrenChanged, '/pers'],
      [EventType.nodeDataChanged, '/pers'],
    ]);
  });

  it('removeWatches and checkWatches', async () => {
    await client.create('/rw');
    const a = recorder();
    await client.getData('/rw', a.watcher);
    await client.checkWatches('/rw', WatcherType.data);
    await expectCode(client.checkWatches('/rw', WatcherType.children), ErrorCode.noWatcher);
    await expectCode(client.removeWatches('/rw', WatcherType.children), ErrorCode.noWatcher);
    await client.removeWatches('/rw', WatcherType.data);
    expect(a.events).toEqual([{ type: EventType.dataWatchRemoved, state: 3, path: '/rw' }]);
    await expectCode(client.checkWatches('/rw', WatcherType.data), ErrorCode.noWatcher);
    await other.setData('/rw', 'x');
    await client.sync('/');
    expect(a.nodeEvents()).toEqual([{ type: EventType.dataWatchRemoved, state: 3, path: '/rw' }]);
  });

  it('pipelines 1,000 requests and answers them in order', async () => {
    await client.create('/pipe');
    const started = Date.now();
    const creates = Array.from({ length: 1000 }, (_, i) => client.create(`/pipe/n${i}`, String(i)));
    const paths = await Promise.all(creates);
    expect(paths[999]).toBe('/pipe/n999');
    const reads = await Promise.all(Array.from({ length: 1000 }, (_, i) => client.getData(`/pipe/n${i}`)));
    expect(reads.map((r) => r.data?.toString())).toEqual(Array.from({ length: 1000 }, (_, i) => String(i)));
    const mzxids = reads.map((r) => r.stat.mzxid);
    expect([...mzxids].sort((x, y) => (x < y ? -1 : 1))).toEqual(mzxids);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('chroot: paths are relative to the root, including events and results', async () => {
    await client.create('/app');
    const chrooted = await connectClient(`${server.connectString}/app`);
    try {
      expect(await chrooted.create('/x', 'in')).toBe('/x');
      expect((await client.getData('/app/x')).data?.toString()).toBe('in');
      expect(await chrooted.getChildren('/')).toEqual(['x']);
      const seq = await chrooted.create('/s-', null, { mode: CreateMode.ephemeralSequential });
      expect(seq).toMatch(/^\/s-\d{10}$/);
      expect(await chrooted.getEphemerals('/')).toEqual([seq]);
      const events = recorder();
      await chrooted.getData('/x', events.watcher);
      await client.setData('/app/x', 'changed');
      await eventually(() => events.nodeEvents().length === 1);
      expect(events.nodeEvents()[0]).toEqual({ type: EventType.nodeDataChanged, state: 3, path: '/x' });
      const results = await chrooted.transaction().create('/t').setData('/t', 'd').commit();
      expect(results[0]).toEqual({ type: OpCode.create, path: '/t' });
      expect(await chrooted.sync('/x')).toBe('/x');
      const err = await expectCode(chrooted.getData('/nope'), ErrorCode.noNode);
      expect(err.path).toBe('/nope');
    } finally {
      await chrooted.close();
    }
  });

  it('rejects invalid paths before sending', async () => {
    await expect(client.getData('no-slash')).rejects.toThrow(/start with/);
    await expect(client.create('/trailing/', null)).rejects.toThrow(/end with/);
  });

  it('close ends the session: its ephemerals go and further calls fail', async () => {
    const temp = await connectClient(server.connectString);
    await temp.create('/eph-of-temp', null, { mode: CreateMode.ephemeral });
    const states: string[] = [];
    temp.on('state', (s) => states.push(s));
    await temp.close();
    expect(states).toEqual(['closed']);
    expect(await client.exists('/eph-of-temp')).toBeNull();
    await expectCode(temp.getData('/'), ErrorCode.sessionExpired);
  });
});
