// npm's node-zookeeper-client against each target: CRUD, one-shot data/child/exist watches, a committed multi and
// a failing multi with its per-op error results.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeZkClient, nextEvent, nzk, type NzkException } from '../helpers/nodeZookeeperClient.js';
import { compatTargets, startTarget, type ZkTarget } from '../helpers/zkTarget.js';

// opcodes and error codes as they appear in the library's multi results
const OP = { error: -1, create: 1, delete: 2, setData: 5, check: 13 };
const ERR = { ok: 0, runtimeInconsistency: -2, noNode: -101, badVersion: -103, nodeExists: -110, notEmpty: -111 };

describe.each(compatTargets())('node-zookeeper-client against %s', (kind) => {
  let target: ZkTarget | undefined;
  let client: NodeZkClient | undefined;

  beforeAll(async () => {
    target = await startTarget(kind);
    client = await NodeZkClient.connect(target.connectString);
  });

  afterAll(async () => {
    client?.close();
    await target?.stop();
  });

  it('creates, reads, updates and reports errors by code', async () => {
    const zk = client!;
    expect(await zk.create('/nzk', 'root')).toBe('/nzk');
    expect(await zk.create('/nzk/seq-', 'a', nzk.CreateMode.PERSISTENT_SEQUENTIAL)).toBe('/nzk/seq-0000000000');
    const read = await zk.getData('/nzk');
    expect(read.data).toBe('root');
    expect(read.stat).toMatchObject({ version: 0, cversion: 1, numChildren: 1, dataLength: 4 });
    expect((await zk.setData('/nzk', 'v2', 0)).version).toBe(1);

    const codeOf = async (p: Promise<unknown>) => {
      const error = await p.then(() => undefined, (e: NzkException) => e);
      return error?.getCode();
    };
    expect(await codeOf(zk.create('/nzk', 'again'))).toBe(ERR.nodeExists);
    expect(await codeOf(zk.getData('/nzk/missing'))).toBe(ERR.noNode);
    expect(await codeOf(zk.setData('/nzk', 'stale', 0))).toBe(ERR.badVersion);
    expect(await codeOf(zk.remove('/nzk'))).toBe(ERR.notEmpty);
    expect(await zk.exists('/nzk/missing')).toBeNull();
  });

  it('fires a getData watcher on setData and a getChildren watcher on create', async () => {
    const zk = client!;
    await zk.create('/watched', 'a');

    const data = nextEvent();
    await zk.getData('/watched', data.watcher);
    await zk.setData('/watched', 'b');
    const dataEvent = await data.event;
    expect([dataEvent.getName(), dataEvent.getPath()]).toEqual(['NODE_DATA_CHANGED', '/watched']);

    const children = nextEvent();
    expect(await zk.getChildren('/watched', children.watcher)).toEqual([]);
    await zk.create('/watched/kid', null);
    const childEvent = await children.event;
    expect([childEvent.getName(), childEvent.getPath()]).toEqual(['NODE_CHILDREN_CHANGED', '/watched']);

    // an exists watch on a missing node is still registered and fires on creation
    const exists = nextEvent();
    expect(await zk.exists('/watched/later', exists.watcher)).toBeNull();
    await zk.create('/watched/later', 'x');
    const existsEvent = await exists.event;
    expect([existsEvent.getName(), existsEvent.getPath()]).toEqual(['NODE_CREATED', '/watched/later']);

    const deleted = nextEvent();
    await zk.getData('/watched/later', deleted.watcher);
    await zk.remove('/watched/later');
    expect((await deleted.event).getName()).toBe('NODE_DELETED');
  });

  it('commits a multi and returns one result per op', async () => {
    const zk = client!;
    await zk.create('/txn', 'start');
    // the library sends `version || -1`, so version 0 would mean "any version": work with version 1 instead
    await zk.setData('/txn', 'v1');
    const outcome = await zk.multi((t) =>
      t
        .create('/txn/a', Buffer.from('1'))
        .check('/txn', 1)
        .setData('/txn', Buffer.from('done'), 1)
        .create('/txn/b', Buffer.from('2'))
        .remove('/txn/b', 0),
    );
    expect(outcome.error).toBeNull();
    expect(outcome.results.map((r) => r.type)).toEqual([OP.create, OP.check, OP.setData, OP.create, OP.delete]);
    expect(outcome.results[0]!.path).toBe('/txn/a');
    expect(outcome.results[2]!.stat!.version).toBe(2);
    expect((await zk.getData('/txn')).data).toBe('done');
    expect(await zk.getChildren('/txn')).toEqual(['a']);
  });

  it('rolls back a failing multi and reports the per-op errors', async () => {
    const zk = client!;
    // the check comes after a setData in the same multi and must see its version bump (3), not the stored 2
    const outcome = await zk.multi((t) =>
      t
        .create('/txn/c', Buffer.from('never'))
        .setData('/txn', Buffer.from('never'), -1)
        .check('/txn', 2)
        .remove('/txn/a', -1)
        .create('/txn/a', Buffer.from('dup')),
    );
    expect(outcome.error?.getCode()).toBe(ERR.badVersion);
    expect(outcome.results.map((r) => [r.type, r.err])).toEqual([
      [OP.error, ERR.ok],
      [OP.error, ERR.ok],
      [OP.error, ERR.badVersion],
      [OP.error, ERR.runtimeInconsistency],
      [OP.error, ERR.runtimeInconsistency],
    ]);
    expect(await zk.exists('/txn/c')).toBeNull();
    const after = await zk.getData('/txn');
    expect([after.data, after.stat.version]).toEqual(['done', 2]);

    const missingParent = await zk.multi((t) => t.create('/nowhere/child', Buffer.from('x')));
    expect(missingParent.error?.getCode()).toBe(ERR.noNode);
    expect(missingParent.results.map((r) => [r.type, r.err])).toEqual([[OP.error, ERR.noNode]]);
  });

  it('removes ephemerals when a session closes', async () => {
    const other = await NodeZkClient.connect(target!.connectString);
    await other.create('/eph', 'mine', nzk.CreateMode.EPHEMERAL);
    const gone = nextEvent();
    expect(await client!.exists('/eph', gone.watcher)).not.toBeNull();
    other.close();
    const event = await gone.event;
    expect([event.getName(), event.getPath()]).toEqual(['NODE_DELETED', '/eph']);
  });
});
