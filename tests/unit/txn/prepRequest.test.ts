// Request preparation against ZooKeeper 3.8's PrepRequestProcessor. "confirmed" marks behaviour checked against a
// real Apache ZooKeeper 3.8.0 server with raw requests.
import { describe, expect, it } from 'vitest';
import { ErrorCode as E } from '../../../node-core/protocol/errorCodes.js';
import { OpCode } from '../../../node-core/protocol/opCodes.js';
import { containerEphemeralOwner, ttlEphemeralOwner } from '../../../node-core/protocol/constants.js';
import { digestOf } from '../../../node-core/tree/acl.js';
import type { ACL, Id } from '../../../node-core/protocol/records.js';
import {
  anonymous,
  checkReq,
  closeReq,
  createReq,
  deleteReq,
  errOf,
  harness,
  multiReq,
  openAcl,
  session,
  setAclReq,
  setDataReq,
} from './prepHarness.js';

const bobId: Id = { scheme: 'digest', id: digestOf('bob', 'pw') };
const bob: Id[] = [...anonymous, bobId];
const ipAcl = (expr: string, perms = 31): ACL[] => [{ perms, id: { scheme: 'ip', id: expr } }];

describe('failed writes', () => {
  it('consume a zxid and become an error txn with type -1 (confirmed: the second create of /p1 replied at the next zxid)', () => {
    const h = harness();
    expect(h.run(createReq('/p1')).err).toBe(0);
    const second = h.prepare(createReq('/p1'));
    expect(second.header).toMatchObject({ type: OpCode.error, zxid: 2n, clientId: session, cxid: 1 });
    expect(second.txn).toEqual({ type: OpCode.error, err: E.nodeExists });
  });

  it('an undecodable body is a MarshallingError txn', () => {
    const h = harness();
    const p = h.prepare({ sessionId: session, cxid: 1, type: OpCode.setData, body: null, authInfo: anonymous });
    expect(p.txn).toEqual({ type: OpCode.error, err: E.marshallingError });
  });
});

describe('create', () => {
  it('path checks in ZooKeeper order (confirmed each code)', () => {
    const h = harness();
    h.run(createReq('/q'));
    expect(errOf(h.prepare(createReq('/')))).toBe(E.nodeExists); // the root exists
    expect(errOf(h.prepare(createReq('/nonexist/')))).toBe(E.noNode); // parent looked up before full validation
    expect(errOf(h.prepare(createReq('/q/')))).toBe(E.badArguments);
    expect(errOf(h.prepare(createReq('a')))).toBe(E.badArguments);
    expect(errOf(h.prepare(createReq('/q/x\0')))).toBe(E.badArguments);
    expect(errOf(h.prepare(createReq('/q/.')))).toBe(E.badArguments);
    expect(errOf(h.prepare(createReq('/nonexist/x/')))).toBe(E.noNode);
    expect(errOf(h.prepare(createReq('/q/s/', { flags: 2 })))).toBe(E.noNode);
  });

  it('a sequential create of "/q/" is valid: the suffix completes the name (confirmed)', () => {
    const h = harness();
    h.run(createReq('/q'));
    const r = h.run(createReq('/q/', { flags: 2 }));
    expect(r.err).toBe(0);
    expect(r.applied.path).toBe('/q/0000000000');
  });

  it('create modes set the owner: ephemeral = session, container and TTL markers', () => {
    const h = harness();
    h.run(createReq('/e', { flags: 1 }));
    h.run(createReq('/c', { type: OpCode.createContainer, flags: 4 }));
    h.run(createReq('/t', { type: OpCode.createTTL, flags: 5, ttl: 100n }));
    h.run(createReq('/ts', { type: OpCode.createTTL, flags: 6, ttl: 100n }));
    expect(h.tree.getNode('/e')!.ephemeralOwner).toBe(session);
    expect(h.tree.getNode('/c')!.ephemeralOwner).toBe(containerEphemeralOwner);
    expect(h.tree.getNode('/t')!.ephemeralOwner).toBe(ttlEphemeralOwner(100n));
    expect(h.tree.getNode('/ts0000000003')!.ephemeralOwner).toBe(ttlEphemeralOwner(100n));
  });

  it('create2 keeps its opcode in the txn; createContainer and createTTL have their own txns', () => {
    const h = harness();
    expect(h.prepare(createReq('/a', { type: OpCode.create2 })).txn.type).toBe(OpCode.create2);
    expect(h.prepare(createReq('/b', { type: OpCode.createContainer, flags: 4 })).txn).toMatchObject({ type: OpCode.createContainer, parentCVersion: 2 });
    expect(h.prepare(createReq('/c', { type: OpCode.createTTL, flags: 5, ttl: 5n })).txn).toMatchObject({ type: OpCode.createTTL, ttl: 5n });
  });

  it('flag and TTL rules (confirmed: flags 5 on create, ttl 0, ttl with flags 0, ttl > max, flags 7 and -1 are BadArguments)', () => {
    const h = harness();
    expect(errOf(h.prepare(createReq('/t1', { flags: 5 })))).toBe(E.badArguments);
    expect(errOf(h.prepare(createReq('/t2', { type: OpCode.createTTL, flags: 5, ttl: 0n })))).toBe(E.badArguments);
    expect(errOf(h.prepare(createReq('/t3', { type: OpCode.createTTL, flags: 0, ttl: 100n })))).toBe(E.badArguments);
    expect(errOf(h.prepare(createReq('/t6', { type: OpCode.createTTL, flags: 5, ttl: 0x10000000000n })))).toBe(E.badArguments);
    expect(errOf(h.prepare(createReq('/t7', { flags: 7 })))).toBe(E.badArguments);
    expect(errOf(h.prepare(createReq('/t8', { flags: -1 })))).toBe(E.badArguments);
    expect(errOf(h.prepare(createReq('/t9', { type: OpCode.createTTL, flags: 5, ttl: 0xffffffffffn })))).toBe(0);
  });

  it('TTL modes are Unimplemented without extendedTypesEnabled, checked before the ttl value', () => {
    const h = harness({ extendedTypesEnabled: false });
    expect(errOf(h.prepare(createReq('/t', { type: OpCode.createTTL, flags: 5, ttl: 0n })))).toBe(E.unimplemented);
    expect(errOf(h.prepare(createReq('/t', { flags: 6 })))).toBe(E.unimplemented);
  });

  it('createContainer with flags 0 and create with flags 4 are accepted; the opcode decides the node type (confirmed)', () => {
    const h = harness();
    expect(h.run(createReq('/c0', { type: OpCode.createContainer, flags: 0 })).err).toBe(0);
    expect(h.run(createReq('/t4', { type: OpCode.create, flags: 4 })).err).toBe(0);
    expect(h.tree.getNode('/c0')!.ephemeralOwner).toBe(containerEphemeralOwner);
    expect(h.tree.getNode('/t4')!.ephemeralOwner).toBe(0n);
  });

  it('ephemeral parent: NoChildrenForEphemerals, after NodeExists and NoNode (confirmed)', () => {
    const h = harness();
    h.run(createReq('/eph', { flags: 1 }));
    expect(errOf(h.prepare(createReq('/eph/x')))).toBe(E.noChildrenForEphemerals);
    expect(errOf(h.prepare(createReq('/eph', { flags: 1 })))).toBe(E.nodeExists);
    expect(errOf(h.prepare(createReq('/eph/x/y')))).toBe(E.noNode);
  });

  it('container and TTL parents may have children', () => {
    const h = harness();
    h.run(createReq('/c', { type: OpCode.createContainer, flags: 4 }));
    h.run(createReq('/t', { type: OpCode.createTTL, flags: 5, ttl: 10n }));
    expect(h.run(createReq('/c/x')).err).toBe(0);
    expect(h.run(createReq('/t/x')).err).toBe(0);
  });

  it('nodes may be created under /zookeeper (confirmed)', () => {
    const h = harness();
    expect(h.run(createReq('/zookeeper/foo')).err).toBe(0);
    expect(h.run(deleteReq('/zookeeper/foo')).err).toBe(0);
  });
});

describe('pipelining through the overlay', () => {
  it('two creates of one path before either applies: the second is NodeExists (confirmed)', () => {
    const h = harness();
    const first = h.prepare(createReq('/dup'));
    const second = h.prepare(createReq('/dup'));
    expect(errOf(first)).toBe(0);
    expect(errOf(second)).toBe(E.nodeExists);
  });

  it('sequential creates in flight get consecutive numbers (confirmed: s-0000000001 then s-0000000002)', () => {
    const h = harness();
    h.run(createReq('/p1'));
    h.run(createReq('/p1/a'));
    const a = h.prepare(createReq('/p1/s-', { flags: 2 }));
    const b = h.prepare(createReq('/p1/s-', { flags: 2 }));
    expect(a.txn).toMatchObject({ path: '/p1/s-0000000001', parentCVersion: 2 });
    expect(b.txn).toMatchObject({ path: '/p1/s-0000000002', parentCVersion: 3 });
    h.apply(a);
    h.apply(b);
    expect(h.preparer.outstanding).toBe(0);
    expect([...h.tree.getNode('/p1')!.children].sort()).toEqual(['a', 's-0000000001', 's-0000000002']);
  });

  it('a delete in flight makes the node missing and its parent empty for the next request', () => {
    const h = harness();
    h.run(createReq('/a'));
    h.run(createReq('/a/b'));
    h.prepare(deleteReq('/a/b'));
    expect(errOf(h.prepare(setDataReq('/a/b')))).toBe(E.noNode);
    expect(errOf(h.prepare(deleteReq('/a')))).toBe(0);
  });

  it('setData in flight advances the version the next request is checked against', () => {
    const h = harness();
    h.run(createReq('/v'));
    h.prepare(setDataReq('/v', 0));
    expect(errOf(h.prepare(setDataReq('/v', 0)))).toBe(E.badVersion);
    expect(h.prepare(setDataReq('/v', 1)).txn).toMatchObject({ type: OpCode.setData, version: 2 });
  });

  it('applied() drops only records up to the zxid', () => {
    const h = harness();
    const a = h.prepare(createReq('/a'));
    h.prepare(createReq('/b'));
    expect(h.preparer.outstanding).toBe(4);
    h.apply(a);
    expect(h.preparer.outstanding).toBe(2);
    expect(errOf(h.prepare(createReq('/b')))).toBe(E.nodeExists);
  });
});

describe('delete', () => {
  it('system paths and bad paths (confirmed: /, /zookeeper, /zookeeper/quota, /zookeeper/config, "q" BadArguments; "/q/" NoNode)', () => {
    const h = harness();
    h.run(createReq('/q'));
    for (const p of ['/', '/zookeeper', '/zookeeper/config', '/zookeeper/quota', 'q']) {
      expect(errOf(h.prepare(deleteReq(p))), p).toBe(E.badArguments);
    }
    expect(errOf(h.prepare(deleteReq('/q/')))).toBe(E.noNode);
    expect(errOf(h.prepare(deleteReq('/nonexist/x')))).toBe(E.noNode);
  });

  it('BadVersion, NotEmpty, and the version check before the children check', () => {
    const h = harness();
    h.run(createReq('/a'));
    h.run(createReq('/a/b'));
    expect(errOf(h.prepare(deleteReq('/a', 5)))).toBe(E.badVersion);
    expect(errOf(h.prepare(deleteReq('/a', 0)))).toBe(E.notEmpty);
    expect(errOf(h.prepare(deleteReq('/a/b', 0)))).toBe(0);
  });

  it('the parent DELETE permission is checked before the node is looked up (confirmed: NoAuth for a missing child)', () => {
    const h = harness();
    h.run(createReq('/ipno', { acl: ipAcl('10.0.0.0/8') }));
    expect(errOf(h.prepare(deleteReq('/ipno/nonexist')))).toBe(E.noAuth);
  });
});

describe('deleteContainer', () => {
  it('from a client it is always BadArguments (confirmed: ZooKeeper reads the header bytes into the path)', () => {
    const h = harness();
    h.run(createReq('/c', { type: OpCode.createContainer, flags: 4 }));
    const p = h.prepare({ sessionId: session, cxid: 1, type: OpCode.deleteContainer, body: { path: '/c' }, authInfo: anonymous });
    expect(errOf(p)).toBe(E.badArguments);
  });

  it('from the reaper: deletes an empty container or persistent node, refuses non-empty and ephemeral ones', () => {
    const h = harness();
    const reap = (path: string) =>
      h.prepare({ sessionId: 0n, cxid: 0, type: OpCode.deleteContainer, body: { path }, authInfo: [], internal: true });
    h.run(createReq('/c', { type: OpCode.createContainer, flags: 4 }));
    h.run(createReq('/c/x'));
    h.run(createReq('/e', { flags: 1 }));
    h.run(createReq('/p'));
    expect(errOf(reap('/c'))).toBe(E.notEmpty);
    expect(errOf(reap('/e'))).toBe(E.badVersion);
    expect(errOf(reap('/missing'))).toBe(E.noNode);
    expect(reap('/p').txn).toEqual({ type: OpCode.deleteContainer, path: '/p' });
  });
});

describe('setData, setACL, check', () => {
  it('setData: version -1 matches any, a wrong version is BadVersion (confirmed), new version = old + 1', () => {
    const h = harness();
    h.run(createReq('/q'));
    expect(errOf(h.prepare(setDataReq('/q', 5)))).toBe(E.badVersion);
    expect(h.run(setDataReq('/q', -1)).prepared.txn).toMatchObject({ version: 1 });
    expect(h.run(setDataReq('/q', 1)).prepared.txn).toMatchObject({ version: 2 });
  });

  it('setData: invalid path BadArguments before NoNode (confirmed "/nonexist/"); ACL before version (confirmed)', () => {
    const h = harness();
    h.run(createReq('/ipno', { acl: ipAcl('10.0.0.0/8') }));
    expect(errOf(h.prepare(setDataReq('/nonexist/')))).toBe(E.badArguments);
    expect(errOf(h.prepare(setDataReq('/nonexist')))).toBe(E.noNode);
    expect(errOf(h.prepare(setDataReq('/ipno', 99)))).toBe(E.noAuth);
  });

  it('/zookeeper/config is read-only for everyone but the super user; /zookeeper itself is writable (confirmed)', () => {
    const h = harness();
    expect(errOf(h.prepare(setDataReq('/zookeeper/config')))).toBe(E.noAuth);
    expect(errOf(h.prepare(setDataReq('/zookeeper')))).toBe(0);
    const superIds: Id[] = [{ scheme: 'super', id: '' }, ...anonymous];
    expect(errOf(h.prepare(setDataReq('/zookeeper/config', -1, superIds)))).toBe(0);
  });

  it('setACL: path, then InvalidACL, then NoNode, then ADMIN, then aversion (confirmed)', () => {
    const h = harness();
    h.run(createReq('/q'));
    h.run(createReq('/ipno', { acl: ipAcl('10.0.0.0/8') }));
    expect(errOf(h.prepare(setAclReq('/nonexist/', [])))).toBe(E.badArguments);
    expect(errOf(h.prepare(setAclReq('/nonexist', [])))).toBe(E.invalidACL);
    expect(errOf(h.prepare(setAclReq('/nonexist', openAcl)))).toBe(E.noNode);
    expect(errOf(h.prepare(setAclReq('/ipno', [])))).toBe(E.invalidACL);
    expect(errOf(h.prepare(setAclReq('/ipno', openAcl)))).toBe(E.noAuth);
    expect(errOf(h.prepare(setAclReq('/q', openAcl, 5)))).toBe(E.badVersion);
    expect(h.run(setAclReq('/q', openAcl, 0)).prepared.txn).toMatchObject({ type: OpCode.setACL, version: 1 });
    expect(h.tree.getNode('/q')!.aversion).toBe(1);
  });

  it('setACL stores the "auth" expansion', () => {
    const h = harness();
    h.run(createReq('/q'));
    h.run(setAclReq('/q', [{ perms: 31, id: { scheme: 'auth', id: '' } }], -1, bob));
    expect(h.tree.getNode('/q')!.acl).toEqual([{ perms: 31, id: bobId }]);
  });

  it('check: NoNode, READ permission, BadVersion (confirmed), and the txn carries version + 1', () => {
    const h = harness();
    h.run(createReq('/q'));
    h.run(createReq('/noread', { acl: [{ perms: 30, id: { scheme: 'world', id: 'anyone' } }] }));
    expect(errOf(h.prepare(checkReq('/missing', 0)))).toBe(E.noNode);
    expect(errOf(h.prepare(checkReq('/noread', 0)))).toBe(E.noAuth);
    expect(errOf(h.prepare(checkReq('/q', 7)))).toBe(E.badVersion);
    expect(h.prepare(checkReq('/q', 0)).txn).toEqual({ type: OpCode.check, path: '/q', version: 1 });
  });
});

describe('ACLs on create', () => {
  it('invalid ACLs are InvalidACL (confirmed: empty, world:someone, auth without auth, digest without ":", ' +
    '"bob:", bad ip, /33, unknown scheme)', () => {
    const h = harness();
    const bad: ACL[][] = [
      [],
      [{ perms: 31, id: { scheme: 'world', id: 'someone' } }],
      [{ perms: 31, id: { scheme: 'auth', id: '' } }],
      [{ perms: 31, id: { scheme: 'digest', id: 'bob' } }],
      [{ perms: 31, id: { scheme: 'digest', id: 'bob:' } }],
      ipAcl('300.1.1.1'),
      ipAcl('10.0.0.0/33'),
      [{ perms: 31, id: { scheme: 'foo', id: 'bar' } }],
    ];
    for (const acl of bad) expect(errOf(h.prepare(createReq('/a0', { acl }))), JSON.stringify(acl)).toBe(E.invalidACL);
    expect(errOf(h.prepare(createReq('/a0', { acl: [{ perms: 31, id: { scheme: 'digest', id: ':x' } }] })))).toBe(0);
  });

  it('InvalidACL comes before NoNode and before NoAuth (confirmed)', () => {
    const h = harness();
    h.run(createReq('/ipno', { acl: ipAcl('10.0.0.0/8') }));
    expect(errOf(h.prepare(createReq('/nonexist/a', { acl: [] })))).toBe(E.invalidACL);
    expect(errOf(h.prepare(createReq('/ipno/x', { acl: [] })))).toBe(E.invalidACL);
    expect(errOf(h.prepare(createReq('/ipno/x')))).toBe(E.noAuth);
  });

  it('ip CIDR ACLs match the client address (confirmed 127.0.0.0/8 allows, 10.0.0.0/8 refuses)', () => {
    const h = harness();
    h.run(createReq('/ipok', { acl: ipAcl('127.0.0.0/8') }));
    expect(h.run(createReq('/ipok/x')).err).toBe(0);
  });

  it('"auth" expands to the digest ids, never ip; with only an ip id it is InvalidACL (confirmed)', () => {
    const h = harness();
    const acl: ACL[] = [{ perms: 31, id: { scheme: 'auth', id: 'whatever' } }, { perms: 1, id: { scheme: 'world', id: 'anyone' } }];
    h.run(createReq('/dg', { acl, authInfo: bob }));
    expect(h.tree.getNode('/dg')!.acl).toEqual([{ perms: 31, id: bobId }, acl[1]]);
    expect(errOf(h.prepare(createReq('/ia', { acl: [{ perms: 31, id: { scheme: 'auth', id: '' } }] })))).toBe(E.invalidACL);
  });

  it('"auth" for a super user expands to its digest id only (confirmed)', () => {
    const h = harness();
    const superDigest = digestOf('super', 'secret');
    const ids: Id[] = [{ scheme: 'super', id: '' }, { scheme: 'digest', id: superDigest }, ...anonymous];
    h.run(createReq('/sa', { acl: [{ perms: 31, id: { scheme: 'auth', id: '' } }], authInfo: ids }));
    expect(h.tree.getNode('/sa')!.acl).toEqual([{ perms: 31, id: { scheme: 'digest', id: superDigest } }]);
  });

  it('duplicate ACL entries are removed', () => {
    const h = harness();
    h.run(createReq('/d', { acl: [...openAcl, ...openAcl] }));
    expect(h.tree.getNode('/d')!.acl).toEqual(openAcl);
  });

  it('a super id bypasses ACLs (confirmed) and so does skipACL', () => {
    const h = harness();
    h.run(createReq('/ipno', { acl: ipAcl('10.0.0.0/8') }));
    expect(errOf(h.prepare(createReq('/ipno/x', { authInfo: [{ scheme: 'super', id: '' }] })))).toBe(0);
    const skip = harness({ skipAcl: true });
    skip.run(createReq('/ipno', { acl: ipAcl('10.0.0.0/8') }));
    expect(errOf(skip.prepare(createReq('/ipno/x')))).toBe(0);
  });
});

describe('multi', () => {
  it('a failing op fails them all: earlier ops stay as prepared, the failing one carries its code, later ones -2; ' +
    'the replies read 0, -110, -2 (confirmed)', () => {
    const h = harness();
    h.run(createReq('/m'));
    const r = h.run(
      multiReq([
        { type: OpCode.create, request: { path: '/m/1', data: null, acl: openAcl, flags: 0 } },
        { type: OpCode.create, request: { path: '/m', data: null, acl: openAcl, flags: 0 } },
        { type: OpCode.create, request: { path: '/m/2', data: null, acl: openAcl, flags: 0 } },
      ]),
    );
    expect(r.prepared.header.type).toBe(OpCode.multi);
    expect(r.prepared.txn).toMatchObject({
      type: OpCode.multi,
      txns: [{ type: OpCode.create, path: '/m/1' }, { type: OpCode.error, err: E.nodeExists }, { type: OpCode.error, err: E.runtimeInconsistency }],
    });
    expect(r.applied.multiResults).toEqual([
      { type: OpCode.error, err: 0 },
      { type: OpCode.error, err: E.nodeExists },
      { type: OpCode.error, err: E.runtimeInconsistency },
    ]);
    expect(h.tree.getNode('/m/1')).toBeUndefined();
    expect(h.preparer.outstanding).toBe(0);
  });

  it('a failed multi rolls the overlay back: the next sequential number is unchanged (confirmed /m/p-0000000008)', () => {
    const h = harness();
    h.run(createReq('/m'));
    for (let i = 0; i < 7; i++) h.run(createReq(`/m/n${i}`));
    h.run(multiReq([
      { type: OpCode.create, request: { path: '/m/x', data: null, acl: openAcl, flags: 0 } },
      { type: OpCode.delete, request: { path: '/m/x', version: -1 } },
    ]));
    const failed = h.prepare(multiReq([
      { type: OpCode.create, request: { path: '/m/p-', data: null, acl: openAcl, flags: 2 } },
      { type: OpCode.create, request: { path: '/m', data: null, acl: openAcl, flags: 0 } },
    ]));
    const next = h.prepare(createReq('/m/p-', { flags: 2 }));
    expect(failed.txn.type).toBe(OpCode.multi);
    expect(next.txn).toMatchObject({ path: '/m/p-0000000008' });
  });

  it('rollback restores a record an earlier request left in the overlay', () => {
    const h = harness();
    h.run(createReq('/m'));
    const pending = h.prepare(createReq('/m/a'));
    h.prepare(multiReq([
      { type: OpCode.delete, request: { path: '/m/a', version: -1 } },
      { type: OpCode.check, request: { path: '/m', version: 99 } },
    ]));
    expect(errOf(h.prepare(createReq('/m/a')))).toBe(E.nodeExists);
    h.apply(pending);
  });

  it('sequential creates in one multi count on (confirmed s-0000000000, s-0000000001)', () => {
    const h = harness();
    h.run(createReq('/m'));
    const r = h.run(multiReq([
      { type: OpCode.create, request: { path: '/m/s-', data: null, acl: openAcl, flags: 2 } },
      { type: OpCode.create, request: { path: '/m/s-', data: null, acl: openAcl, flags: 2 } },
    ]));
    expect(r.applied.multiResults).toEqual([
      { type: OpCode.create, path: '/m/s-0000000000' },
      { type: OpCode.create, path: '/m/s-0000000001' },
    ]);
  });

  it('ops are rebuilt from their flags as ZooKeeper decodes them (confirmed)', () => {
    const h = harness();
    let n = 0;
    const op = (type: number, flags: number, ttl?: bigint) =>
      ({ type, request: { path: `/x${n++}`, data: null, acl: openAcl, flags, ttl } }) as never;
    const sub = (ops: never[]) => {
      const p = h.prepare(multiReq(ops));
      return p.txn.type === OpCode.multi ? p.txn.txns[0]!.type : p.txn;
    };
    expect(sub([op(OpCode.create2, 0)])).toBe(OpCode.create); // replies with a path only
    expect(sub([op(OpCode.create, 4)])).toBe(OpCode.createContainer);
    expect(sub([op(OpCode.createContainer, 0)])).toBe(OpCode.create);
    expect(sub([op(OpCode.createTTL, 5, 100n)])).toBe(OpCode.createTTL);
    expect(sub([op(OpCode.createTTL, 0, 100n)])).toBe(OpCode.create); // the ttl is dropped
    expect(sub([op(OpCode.create, 5)])).toEqual({ type: OpCode.error, err: E.marshallingError });
    expect(sub([op(OpCode.create, 9)])).toBe(OpCode.error); // per-op BadArguments
  });

  it('read ops in a multi are a MarshallingError for the whole request (confirmed), an empty multi is fine', () => {
    const h = harness();
    h.run(createReq('/m'));
    const mixed = h.prepare(multiReq([
      { type: OpCode.create, request: { path: '/m/mx', data: null, acl: openAcl, flags: 0 } },
      { type: OpCode.getData, request: { path: '/m', watch: false } },
    ]));
    expect(mixed.header.type).toBe(OpCode.error);
    expect(mixed.txn).toEqual({ type: OpCode.error, err: E.marshallingError });
    expect(h.preparer.outstanding).toBe(0);
    expect(h.prepare(multiReq([])).txn).toEqual({ type: OpCode.multi, txns: [] });
  });

  it('create then delete of one node inside a multi (confirmed)', () => {
    const h = harness();
    const r = h.run(multiReq([
      { type: OpCode.create, request: { path: '/x', data: null, acl: openAcl, flags: 0 } },
      { type: OpCode.delete, request: { path: '/x', version: -1 } },
    ]));
    expect(r.applied.multiResults).toEqual([{ type: OpCode.create, path: '/x' }, { type: OpCode.delete }]);
  });
});

describe('sessions', () => {
  it('createSession carries the timeout', () => {
    const h = harness();
    const p = h.prepare({ sessionId: 5n, cxid: 0, type: OpCode.createSession, body: { timeOut: 30000 }, authInfo: [] });
    expect(p.txn).toEqual({ type: OpCode.createSession, timeOut: 30000 });
  });

  it('closeSession deletes the ephemerals of the tree and of the overlay, minus those being deleted', () => {
    const h = harness();
    h.run(createReq('/e1', { flags: 1 }));
    h.run(createReq('/e2', { flags: 1 }));
    h.run(createReq('/other', { flags: 1, sessionId: 77n }));
    h.prepare(createReq('/e3', { flags: 3 }));
    h.prepare(deleteReq('/e1'));
    const close = h.prepare(closeReq());
    expect(close.txn.type).toBe(OpCode.closeSession);
    expect(close.txn.type === OpCode.closeSession && [...close.txn.paths2Delete!].sort()).toEqual(['/e2', '/e30000000003']);
  });

  it('after closeSession is prepared, the session\'s writes are SessionExpired', () => {
    const h = harness();
    h.prepare(closeReq());
    expect(h.preparer.isClosing(session)).toBe(true);
    expect(errOf(h.prepare(createReq('/late', { flags: 1 })))).toBe(E.sessionExpired);
    expect(errOf(h.prepare(setDataReq('/zookeeper')))).toBe(E.sessionExpired);
    expect(errOf(h.prepare(createReq('/other', { sessionId: 9n })))).toBe(0);
  });

  it('the session tracker verdict: unknown sessions are SessionExpired for ephemerals, UnknownSession otherwise', () => {
    const h = harness({ checkSession: (id) => (id === 42n ? E.unknownSession : 0) });
    expect(errOf(h.prepare(createReq('/e', { flags: 1, sessionId: 42n })))).toBe(E.sessionExpired);
    expect(errOf(h.prepare(createReq('/p', { sessionId: 42n })))).toBe(E.unknownSession);
    // session checks come after the TTL checks and before path validation
    expect(errOf(h.prepare(createReq('bad', { sessionId: 42n })))).toBe(E.unknownSession);
    expect(errOf(h.prepare(createReq('/t', { sessionId: 42n, flags: 5 })))).toBe(E.badArguments);
  });

  it("a session owned by another member is SessionMoved, an error txn as ZooKeeper logs it (the owner is the request's)", () => {
    const h = harness({ checkSession: (_id, owner) => (owner === 2 ? E.sessionMoved : 0) });
    const moved = h.prepare({ ...setDataReq('/'), owner: 2 });
    expect(moved.header.type).toBe(OpCode.error);
    expect(moved.txn).toEqual({ type: OpCode.error, err: E.sessionMoved });
    expect(errOf(h.prepare({ ...createReq('/m'), owner: 3 }))).toBe(0);
    const multi = h.prepare({ ...multiReq([{ type: OpCode.check, request: { path: '/', version: -1 } }]), owner: 2 });
    expect(multi.txn).toMatchObject({ type: OpCode.multi });
    expect(JSON.stringify(multi.txn, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).toContain(String(E.sessionMoved));
  });

  it('reconfig is ReconfigDisabled', () => {
    const h = harness();
    const body = { joiningServers: null, leavingServers: null, newMembers: 'server.2=x', curConfigId: -1n };
    const p = h.prepare({ sessionId: session, cxid: 1, type: OpCode.reconfig, body, authInfo: anonymous });
    expect(p.txn).toEqual({ type: OpCode.error, err: E.reconfigDisabled });
  });
});
