// Read requests against ZooKeeper 3.8's FinalRequestProcessor rules. "confirmed" marks behaviour checked against a
// real Apache ZooKeeper 3.8.0 server.
import { describe, expect, it } from 'vitest';
import { processRead, type ReadContext } from '../../../node-core/tree/readRequests.js';
import { digestOf } from '../../../node-core/tree/acl.js';
import { ErrorCode as E } from '../../../node-core/protocol/errorCodes.js';
import { OpCode } from '../../../node-core/protocol/opCodes.js';
import type { ACL, Id } from '../../../node-core/protocol/records.js';
import { anonymous, createReq, harness, session } from '../txn/prepHarness.js';

const anon: ReadContext = { sessionId: session, authInfo: anonymous };
const bobId: Id = { scheme: 'digest', id: digestOf('bob', 'pw') };
const aliceId: Id = { scheme: 'digest', id: digestOf('alice', 'pw') };
const bob: ReadContext = { sessionId: session, authInfo: [...anonymous, bobId] };

function setup() {
  const h = harness();
  h.run(createReq('/q', { data: Buffer.from('hello') }));
  for (const n of ['b', 'a', 'c', 'aa', '10', 'B']) h.run(createReq('/q/' + n));
  h.run(createReq('/ipno', { acl: [{ perms: 31, id: { scheme: 'ip', id: '10.0.0.0/8' } }] }));
  const dg2: ACL[] = [{ perms: 1, id: bobId }, { perms: 16, id: aliceId }];
  h.run(createReq('/dg2', { acl: dg2 }));
  return h;
}

describe('exists', () => {
  it('returns the stat without any ACL check (confirmed on an unreadable node)', () => {
    const h = setup();
    const r = processRead(h.tree, OpCode.exists, { path: '/ipno', watch: false }, anon);
    expect(r.err).toBe(0);
    expect(r.response).toEqual({ stat: h.tree.getStat('/ipno') });
  });

  it('a missing node is NoNode but a watch still goes on it', () => {
    const h = setup();
    expect(processRead(h.tree, OpCode.exists, { path: '/none', watch: true }, anon)).toEqual({
      err: E.noNode,
      watch: { path: '/none', kind: 'exist' },
    });
    expect(processRead(h.tree, OpCode.exists, { path: '/q', watch: true }, anon).watch).toEqual({ path: '/q', kind: 'data' });
  });

  it('a NUL in the path is BadArguments; other invalid paths are simply missing (confirmed)', () => {
    const h = setup();
    expect(processRead(h.tree, OpCode.exists, { path: 'x\0', watch: true }, anon)).toEqual({ err: E.badArguments });
    expect(processRead(h.tree, OpCode.exists, { path: 'rel', watch: false }, anon).err).toBe(E.noNode);
  });
});

describe('getData and getChildren', () => {
  it('getData returns data and stat, sets a data watch when asked', () => {
    const h = setup();
    const r = processRead(h.tree, OpCode.getData, { path: '/q', watch: true }, anon);
    expect(r).toEqual({ err: 0, response: { data: Buffer.from('hello'), stat: h.tree.getStat('/q') }, watch: { path: '/q', kind: 'data' } });
  });

  it('getData needs READ (confirmed NoAuth), and a missing node sets no watch; "/q/" is NoNode (confirmed)', () => {
    const h = setup();
    expect(processRead(h.tree, OpCode.getData, { path: '/ipno', watch: true }, anon)).toEqual({ err: E.noAuth });
    expect(processRead(h.tree, OpCode.getData, { path: '/none', watch: true }, anon)).toEqual({ err: E.noNode });
    expect(processRead(h.tree, OpCode.getData, { path: '/q/', watch: false }, anon)).toEqual({ err: E.noNode });
  });

  it('children come sorted (ZooKeeper returns HashSet order, which clients must not rely on)', () => {
    const h = setup();
    const r = processRead(h.tree, OpCode.getChildren, { path: '/q', watch: true }, anon);
    expect(r.response).toEqual({ children: ['10', 'B', 'a', 'aa', 'b', 'c'] });
    expect(r.watch).toEqual({ path: '/q', kind: 'child' });
    const r2 = processRead(h.tree, OpCode.getChildren2, { path: '/q', watch: false }, anon);
    expect(r2.response).toEqual({ children: ['10', 'B', 'a', 'aa', 'b', 'c'], stat: h.tree.getStat('/q') });
    expect(r2.watch).toBeUndefined();
  });

  it('getChildren needs READ', () => {
    const h = setup();
    expect(processRead(h.tree, OpCode.getChildren2, { path: '/ipno', watch: false }, anon).err).toBe(E.noAuth);
  });
});

describe('getACL', () => {
  it('READ without ADMIN masks digest hashes (confirmed: bob sees "bob:x" and "alice:x")', () => {
    const h = setup();
    const r = processRead(h.tree, OpCode.getACL, { path: '/dg2' }, bob);
    expect(r.response).toEqual({
      acl: [{ perms: 1, id: { scheme: 'digest', id: 'bob:x' } }, { perms: 16, id: { scheme: 'digest', id: 'alice:x' } }],
      stat: h.tree.getStat('/dg2'),
    });
  });

  it('neither READ nor ADMIN is NoAuth (confirmed)', () => {
    const h = setup();
    expect(processRead(h.tree, OpCode.getACL, { path: '/dg2' }, anon)).toEqual({ err: E.noAuth });
  });

  it('ADMIN alone shows everything; so does super (confirmed)', () => {
    const h = setup();
    const alice: ReadContext = { sessionId: session, authInfo: [aliceId] };
    const full = [{ perms: 1, id: bobId }, { perms: 16, id: aliceId }];
    expect(processRead(h.tree, OpCode.getACL, { path: '/dg2' }, alice).response).toMatchObject({ acl: full });
    const sup: ReadContext = { sessionId: session, authInfo: [{ scheme: 'super', id: '' }] };
    expect(processRead(h.tree, OpCode.getACL, { path: '/dg2' }, sup).response).toMatchObject({ acl: full });
  });

  it('a missing node is NoNode', () => {
    const h = setup();
    expect(processRead(h.tree, OpCode.getACL, { path: '/none' }, anon)).toEqual({ err: E.noNode });
  });
});

describe('other reads', () => {
  it('getAllChildrenNumber counts descendants; NoNode for a missing node (confirmed)', () => {
    const h = setup();
    expect(processRead(h.tree, OpCode.getAllChildrenNumber, { path: '/q' }, anon).response).toEqual({ totalNumber: 6 });
    expect(processRead(h.tree, OpCode.getAllChildrenNumber, { path: '/none' }, anon).err).toBe(E.noNode);
    expect(processRead(h.tree, OpCode.getAllChildrenNumber, { path: '/ipno' }, anon).err).toBe(E.noAuth);
  });

  it('getEphemerals filters the caller\'s ephemerals by prefix; blank or "/" means all (confirmed " / ")', () => {
    const h = harness();
    h.run(createReq('/m'));
    h.run(createReq('/q'));
    h.run(createReq('/m/e2', { flags: 1 }));
    h.run(createReq('/m/e1', { flags: 1 }));
    h.run(createReq('/q/e3', { flags: 1 }));
    h.run(createReq('/q/other', { flags: 1, sessionId: 99n }));
    const eph = (prefixPath: string) => processRead(h.tree, OpCode.getEphemerals, { prefixPath }, anon).response;
    expect(eph('/m')).toEqual({ ephemerals: ['/m/e1', '/m/e2'] });
    expect(eph('/m/e')).toEqual({ ephemerals: ['/m/e1', '/m/e2'] });
    expect(eph(' / ')).toEqual({ ephemerals: ['/m/e1', '/m/e2', '/q/e3'] });
    expect(eph('')).toEqual({ ephemerals: ['/m/e1', '/m/e2', '/q/e3'] });
  });

  it('whoAmI lists the connection ids', () => {
    const h = setup();
    expect(processRead(h.tree, OpCode.whoAmI, null, bob).response).toEqual({
      clientInfo: [
        { authScheme: 'ip', user: '127.0.0.1' },
        { authScheme: 'digest', user: 'bob' },
      ],
    });
  });

  it('multiRead answers each op alone and sets no watch (confirmed [data, -101, children])', () => {
    const h = setup();
    const r = processRead(
      h.tree,
      OpCode.multiRead,
      [
        { type: OpCode.getData, request: { path: '/q', watch: true } },
        { type: OpCode.getChildren, request: { path: '/none', watch: false } },
        { type: OpCode.getChildren, request: { path: '/ipno', watch: false } },
        { type: OpCode.getChildren, request: { path: '/q', watch: false } },
      ],
      anon,
    );
    expect(r.watch).toBeUndefined();
    expect(r.response).toEqual({
      results: [
        { type: OpCode.getData, data: Buffer.from('hello'), stat: h.tree.getStat('/q') },
        { type: OpCode.error, err: E.noNode },
        { type: OpCode.error, err: E.noAuth },
        { type: OpCode.getChildren, children: ['10', 'B', 'a', 'aa', 'b', 'c'] },
      ],
    });
  });

  it('a write op in multiRead is a MarshallingError (confirmed)', () => {
    const h = setup();
    const r = processRead(h.tree, OpCode.multiRead, [{ type: OpCode.delete, request: { path: '/q', version: -1 } }], anon);
    expect(r).toEqual({ err: E.marshallingError });
  });

  it('skipACL lets every read through', () => {
    const h = setup();
    expect(processRead(h.tree, OpCode.getData, { path: '/ipno', watch: false }, { ...anon, skipAcl: true }).err).toBe(0);
  });
});
