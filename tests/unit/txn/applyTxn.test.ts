import { describe, expect, it } from 'vitest';
import { OpCode } from '../../../node-core/protocol/opCodes.js';
import { ErrorCode } from '../../../node-core/protocol/errorCodes.js';
import { containerEphemeralOwner, ttlEphemeralOwner } from '../../../node-core/protocol/constants.js';
import { DataTree } from '../../../node-core/tree/dataTree.js';
import { applyTxn, type ApplyResult } from '../../../node-core/txn/applyTxn.js';
import { decodeTxnEntry, type Txn, type TxnHeader } from '../../../node-core/txn/txnRecords.js';
import { zk38LogPayloads } from './zk38LogFixtures.js';

const world = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const session = 0x100000abcn;

/** Applies txns with consecutive zxids from 1, time = 1000 * zxid. */
class Harness {
  readonly tree = new DataTree();
  zxid = 0n;
  apply(txn: Txn, clientId = session): ApplyResult {
    this.zxid++;
    return applyTxn(this.tree, this.header(txn.type, clientId), txn);
  }
  header(type: number, clientId = session, zxid = this.zxid): TxnHeader {
    return { clientId, cxid: Number(zxid), zxid, time: zxid * 1000n, type };
  }
  create(path: string, data: string | null = null, opts: { ephemeral?: boolean; parentCVersion?: number; type?: 1 | 15 } = {}) {
    const parent = this.tree.getNode(path.slice(0, path.lastIndexOf('/')) || '/');
    return this.apply({
      type: opts.type ?? OpCode.create2,
      path,
      data: data === null ? null : Buffer.from(data),
      acl: world,
      ephemeral: opts.ephemeral ?? false,
      parentCVersion: opts.parentCVersion ?? (parent ? parent.cversion + 1 : 0),
    });
  }
}

describe('applyTxn against a real ZooKeeper 3.8 log', () => {
  it('ends in the state the real server reported (stats, sequential names, node count, data size)', () => {
    const tree = new DataTree();
    const results = zk38LogPayloads.map((hex) => {
      const { header, txn } = decodeTxnEntry(Buffer.from(hex, 'hex'));
      return applyTxn(tree, header, txn);
    });
    expect(tree.lastProcessedZxid).toBe(0x11n);
    expect(tree.getStat('/')).toMatchObject({ pzxid: 0xdn, cversion: 1, numChildren: 3 });
    expect(tree.getStat('/zookeeper')).toMatchObject({ pzxid: 0xan, cversion: -1, numChildren: 3 });
    expect(tree.getStat('/a')).toMatchObject({ czxid: 2n, mzxid: 2n, pzxid: 8n, cversion: 6, version: 0, dataLength: 1, numChildren: 2 });
    expect(tree.getStat('/m')).toMatchObject({ czxid: 0xdn, mzxid: 0xdn, pzxid: 0x11n, cversion: 2, version: 1, dataLength: 1, numChildren: 0 });
    expect(tree.getNode('/m')!.data!.toString()).toBe('e');
    expect([...tree.getNode('/a')!.children].sort()).toEqual(['s0000000001', 's0000000003']);
    expect(tree.nodeCount).toBe(10);
    expect(tree.approximateDataSize()).toBe(90);
    expect(tree.allChildrenCount('/')).toBe(8);
    expect(tree.getNode('/n')).toBeUndefined();
    // the ok multi: create, create, setData (stat as the client saw it), check
    expect(results[12]!.multiResults).toEqual([
      { type: OpCode.create, path: '/m' },
      { type: OpCode.create, path: '/m/c' },
      { type: OpCode.setData, stat: expect.objectContaining({ czxid: 0xdn, version: 1, cversion: 1, numChildren: 1, dataLength: 1 }) },
      { type: OpCode.check },
    ]);
    expect(results[12]!.err).toBe(0);
    // the failed multi: 0 before the failing op, its code, then RuntimeInconsistency; nothing applied
    expect(results[14]!.multiResults).toEqual([
      { type: OpCode.error, err: 0 },
      { type: OpCode.error, err: -101 },
      { type: OpCode.error, err: -2 },
    ]);
    expect(results[14]!.err).toBe(0);
    expect(results[14]!.triggers).toEqual([]);
    expect(results[8]).toMatchObject({ err: -101, type: OpCode.error });
    expect(results[0]!.createdSession).toEqual({ sessionId: 0x1000006f5a80000n, timeOut: 30000 });
    expect(results[16]).toMatchObject({ closedSession: 0x1000006f5a80001n, triggers: [{ path: '/m/c', type: 'deleted' }, { path: '/m', type: 'childrenChanged' }] });
    expect(tree.sessionsWithEphemerals().size).toBe(0);
  });
});

describe('applyTxn', () => {
  it('evolves stats step by step like ZooKeeper', () => {
    const h = new Harness();
    const r1 = h.create('/p', 'abc');
    expect(r1).toMatchObject({ err: 0, path: '/p', zxid: 1n, type: OpCode.create2 });
    expect(r1.stat).toEqual({ czxid: 1n, mzxid: 1n, ctime: 1000n, mtime: 1000n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 3, numChildren: 0, pzxid: 1n });
    expect(h.tree.getStat('/')).toMatchObject({ cversion: 0, numChildren: 2, pzxid: 1n });

    h.create('/p/c1');
    expect(h.tree.getStat('/p')).toMatchObject({ cversion: 1, numChildren: 1, pzxid: 2n, mzxid: 1n });
    const set = h.apply({ type: OpCode.setData, path: '/p', data: Buffer.from('hello'), version: 1 });
    expect(set.stat).toMatchObject({ mzxid: 3n, mtime: 3000n, version: 1, dataLength: 5, czxid: 1n, pzxid: 2n });
    expect(set.triggers).toEqual([{ path: '/p', type: 'dataChanged' }]);

    const del = h.apply({ type: OpCode.delete, path: '/p/c1' });
    expect(del).toMatchObject({ err: 0, path: '/p' + '/c1' });
    expect(del.stat).toBeUndefined();
    expect(del.triggers).toEqual([{ path: '/p/c1', type: 'deleted' }, { path: '/p', type: 'childrenChanged' }]);
    expect(h.tree.getStat('/p')).toMatchObject({ cversion: 2, numChildren: 0, pzxid: 4n });
    expect(h.tree.getNode('/p')!.cversion).toBe(1); // persisted: creations only

    const acl = h.apply({ type: OpCode.setACL, path: '/p', acl: [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }], version: 1 });
    expect(acl.stat).toMatchObject({ aversion: 1, version: 1, mzxid: 3n });
    expect(acl.triggers).toEqual([]);
    expect(h.tree.getNode('/p')!.acl).toEqual([{ perms: 1, id: { scheme: 'world', id: 'anyone' } }]);

    const plain = h.create('/q', null, { type: OpCode.create });
    expect(plain.path).toBe('/q');
    expect(plain.stat).toBeUndefined();
    expect(plain.triggers).toEqual([{ path: '/q', type: 'created' }, { path: '/', type: 'childrenChanged' }]);
    expect(h.tree.getStat('/q')!.dataLength).toBe(0);
    expect(h.tree.getNode('/q')!.data).toBeNull();
  });

  it('names sequential nodes from the parent cversion the txn carries', () => {
    const h = new Harness();
    h.create('/s');
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const parent = h.tree.getNode('/s')!;
      const path = `/s/n${String(parent.cversion).padStart(10, '0')}`; // what prep computes
      names.push(h.create(path, null, { parentCVersion: parent.cversion + 1 }).path!);
      if (i === 0) h.apply({ type: OpCode.delete, path });
    }
    expect(names).toEqual(['/s/n0000000000', '/s/n0000000001', '/s/n0000000002']);
    expect(h.tree.getStat('/s')).toMatchObject({ cversion: 4, numChildren: 2 });
  });

  it('reports errors without changing the tree', () => {
    const h = new Harness();
    expect(h.create('/x/y')).toMatchObject({ err: ErrorCode.noNode, triggers: [] });
    expect(h.apply({ type: OpCode.setData, path: '/nope', data: null, version: 1 })).toMatchObject({ err: ErrorCode.noNode, triggers: [] });
    expect(h.apply({ type: OpCode.setACL, path: '/nope', acl: world, version: 1 }).err).toBe(ErrorCode.noNode);
    expect(h.apply({ type: OpCode.delete, path: '/nope' }).err).toBe(ErrorCode.noNode);
    expect(h.apply({ type: OpCode.error, err: ErrorCode.badVersion })).toMatchObject({ err: ErrorCode.badVersion, type: OpCode.error });
    expect(h.tree.lastProcessedZxid).toBe(5n);
    expect(h.tree.nodeCount).toBe(5);
  });

  it('tracks ephemerals per session and deletes them on closeSession with triggers', () => {
    const h = new Harness();
    h.create('/app');
    h.create('/app/e1', 'x', { ephemeral: true });
    h.create('/app/e2', null, { ephemeral: true });
    const other = 0x200n;
    h.zxid++;
    applyTxn(h.tree, h.header(OpCode.create2, other), { type: OpCode.create2, path: '/e3', data: null, acl: world, ephemeral: true, parentCVersion: 2 });
    expect(h.tree.getStat('/app/e1')!.ephemeralOwner).toBe(session);
    expect([...h.tree.ephemeralsOf(session)]).toEqual(['/app/e1', '/app/e2']);
    expect([...h.tree.ephemeralsOf(other)]).toEqual(['/e3']);
    expect(h.tree.ephemeralCount()).toBe(3);

    // an explicit delete leaves the session's (now smaller) entry in place, as ZooKeeper's dump shows it
    h.apply({ type: OpCode.delete, path: '/app/e2' });
    expect([...h.tree.ephemeralsOf(session)]).toEqual(['/app/e1']);

    const closed = h.apply({ type: OpCode.closeSession, paths2Delete: ['/app/e1'] });
    expect(closed.closedSession).toBe(session);
    expect(closed.triggers).toEqual([{ path: '/app/e1', type: 'deleted' }, { path: '/app', type: 'childrenChanged' }]);
    expect(h.tree.getNode('/app/e1')).toBeUndefined();
    expect(h.tree.sessionsWithEphemerals().has(session)).toBe(false);
    expect(h.tree.getStat('/app')).toMatchObject({ pzxid: h.zxid, numChildren: 0 });

    // a closeSession without a path list (old log) deletes what the tree knows
    const closedOther = h.apply({ type: OpCode.closeSession, paths2Delete: null }, other);
    expect(closedOther.triggers).toEqual([{ path: '/e3', type: 'deleted' }, { path: '/', type: 'childrenChanged' }]);
    expect(h.tree.ephemeralCount()).toBe(0);
  });

  it('keeps container and TTL sets', () => {
    const h = new Harness();
    const c = h.apply({ type: OpCode.createContainer, path: '/c', data: null, acl: world, parentCVersion: 1 });
    // The node keeps the marker; clients see 0, as Apache ZooKeeper 3.8 reports for containers and TTL nodes.
    expect(h.tree.getNode('/c')!.ephemeralOwner).toBe(containerEphemeralOwner);
    expect(c.stat!.ephemeralOwner).toBe(0n);
    const t = h.apply({ type: OpCode.createTTL, path: '/t', data: Buffer.from('v'), acl: world, parentCVersion: 2, ttl: 60000n });
    expect(h.tree.getNode('/t')!.ephemeralOwner).toBe(ttlEphemeralOwner(60000n));
    expect(t.stat!.ephemeralOwner).toBe(0n);
    expect([...h.tree.containers()]).toEqual(['/c']);
    expect([...h.tree.ttlNodes()]).toEqual(['/t']);
    expect(h.tree.sessionsWithEphemerals().size).toBe(0);
    h.apply({ type: OpCode.deleteContainer, path: '/c' });
    h.apply({ type: OpCode.delete, path: '/t' });
    expect(h.tree.containers().size).toBe(0);
    expect(h.tree.ttlNodes().size).toBe(0);
  });

  it('applies a multi op by op and reports results as FinalRequestProcessor does', () => {
    const h = new Harness();
    h.create('/base', 'b');
    const r = h.apply({
      type: OpCode.multi,
      txns: [
        { type: OpCode.create, path: '/base/a', data: null, acl: world, ephemeral: false, parentCVersion: 1 },
        { type: OpCode.create2, path: '/base/b', data: null, acl: world, ephemeral: true, parentCVersion: 2 },
        { type: OpCode.createContainer, path: '/cont', data: null, acl: world, parentCVersion: 2 },
        { type: OpCode.setData, path: '/base', data: Buffer.from('bb'), version: 1 },
        { type: OpCode.check, path: '/base', version: 1 },
        { type: OpCode.delete, path: '/base/a' },
      ],
    });
    expect(r.err).toBe(0);
    expect(r.multiResults!.map((m) => m.type)).toEqual([OpCode.create, OpCode.create2, OpCode.create2, OpCode.setData, OpCode.check, OpCode.delete]);
    expect(r.multiResults![1]).toMatchObject({ path: '/base/b', stat: { ephemeralOwner: session, czxid: 2n } });
    expect(r.triggers).toEqual([
      { path: '/base/a', type: 'created' },
      { path: '/base', type: 'childrenChanged' },
      { path: '/base/b', type: 'created' },
      { path: '/base', type: 'childrenChanged' },
      { path: '/cont', type: 'created' },
      { path: '/', type: 'childrenChanged' },
      { path: '/base', type: 'dataChanged' },
      { path: '/base/a', type: 'deleted' },
      { path: '/base', type: 'childrenChanged' },
    ]);
    // every sub-op carries the multi's zxid
    expect(h.tree.getStat('/base')).toMatchObject({ mzxid: 2n, pzxid: 2n, version: 1, numChildren: 1, cversion: 3 });
    expect(h.tree.lastProcessedZxid).toBe(2n);
  });

  it('fails a whole multi whose reply contains SessionMoved', () => {
    const h = new Harness();
    const r = h.apply({ type: OpCode.multi, txns: [{ type: OpCode.error, err: ErrorCode.sessionMoved }] });
    expect(r.err).toBe(ErrorCode.sessionMoved);
  });
});

describe('replay over a fuzzy snapshot', () => {
  it('is harmless: creates of existing nodes and deletes of missing ones change nothing they should not', () => {
    const h = new Harness();
    h.create('/r', 'v');
    h.create('/r/a');
    h.apply({ type: OpCode.setData, path: '/r', data: Buffer.from('w'), version: 1 });
    h.apply({ type: OpCode.delete, path: '/r/a' });
    const before = JSON.stringify([...h.tree.walk('/')].map((p) => [p, h.tree.getStat(p)]), (_, v) => (typeof v === 'bigint' ? v.toString() : v));

    // replay zxids 1..4 again
    const again = (zxid: bigint, txn: Txn) => applyTxn(h.tree, h.header(txn.type, session, zxid), txn);
    expect(again(1n, { type: OpCode.create2, path: '/r', data: Buffer.from('v'), acl: world, ephemeral: false, parentCVersion: 1 }).err).toBe(ErrorCode.nodeExists);
    // /r/a was created then deleted in the fuzzy range: its create applies again and its delete removes it again
    expect(again(2n, { type: OpCode.create2, path: '/r/a', data: null, acl: world, ephemeral: false, parentCVersion: 1 }).err).toBe(0);
    expect(again(3n, { type: OpCode.setData, path: '/r', data: Buffer.from('w'), version: 1 }).err).toBe(0);
    expect(again(4n, { type: OpCode.delete, path: '/r/a' }).err).toBe(0);
    expect(again(4n, { type: OpCode.delete, path: '/r/a' }).err).toBe(ErrorCode.noNode);
    const after = JSON.stringify([...h.tree.walk('/')].map((p) => [p, h.tree.getStat(p)]), (_, v) => (typeof v === 'bigint' ? v.toString() : v));
    expect(after).toBe(before);
    expect(h.tree.lastProcessedZxid).toBe(4n);
  });

  it('raises a lagging parent cversion/pzxid when a plain create finds its node already there', () => {
    const h = new Harness();
    h.create('/p');
    h.create('/p/e', null, { type: OpCode.create, parentCVersion: 1 });
    // the snapshot caught the child but not the parent's update; replaying a later create fixes the parent
    const r = applyTxn(h.tree, h.header(OpCode.create, session, 9n), { type: OpCode.create, path: '/p/e', data: null, acl: world, ephemeral: false, parentCVersion: 5 });
    expect(r.err).toBe(ErrorCode.nodeExists);
    expect(h.tree.getNode('/p')).toMatchObject({ cversion: 5, pzxid: 9n });
    // a lower cversion never moves it back
    applyTxn(h.tree, h.header(OpCode.create, session, 10n), { type: OpCode.create, path: '/p/e', data: null, acl: world, ephemeral: false, parentCVersion: 2 });
    expect(h.tree.getNode('/p')).toMatchObject({ cversion: 5, pzxid: 9n });
  });

  it('does not move pzxid back when a delete is replayed', () => {
    const h = new Harness();
    h.create('/p');
    h.create('/p/a');
    h.create('/p/b');
    applyTxn(h.tree, h.header(OpCode.delete, session, 2n), { type: OpCode.delete, path: '/p/x' });
    expect(h.tree.getNode('/p')!.pzxid).toBe(3n);
    expect(h.tree.lastProcessedZxid).toBe(3n);
  });
});
