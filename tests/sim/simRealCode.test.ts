// The simulator's production-code path: replicas built with applyTxn agree by digest exactly when their trees agree,
// a closed session's ephemerals are caught if they survive, and a seed's client history is a real workload the
// register model accepts as it is and rejects once one reply is falsified.
import { describe, expect, it } from 'vitest';
import { ErrorCode, OpCode } from '../../node-core/protocol/index.js';
import type { Txn, TxnHeader } from '../../node-core/txn/txnRecords.js';
import { entryText, type Applied } from './fakeStore.js';
import { checkLinearizability } from './linearizability.js';
import { znodeRegisterModel } from './linearizabilityModels.js';
import { checkSeed } from './simCheck.js';
import { SimReplica, encodeSimEntry } from './simReplica.js';

const acl = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

function entry(zxid: bigint, clientId: bigint, txn: Txn): Applied {
  const header: TxnHeader = { clientId, cxid: Number(zxid), zxid, time: 1000n + zxid, type: txn.type };
  return { zxid, data: entryText(encodeSimEntry(header, txn)) };
}

const session = 0x100n;
const base: Applied[] = [
  entry(1n, session, { type: OpCode.createSession, timeOut: 4000 }),
  entry(2n, session, { type: OpCode.create, path: '/p0', data: Buffer.from('a'), acl, ephemeral: false, parentCVersion: 1 }),
  entry(3n, session, { type: OpCode.create, path: '/e0', data: Buffer.from('e'), acl, ephemeral: true, parentCVersion: 2 }),
];

describe('simulated replicas', () => {
  it('have equal digests after the same txns and different ones after different txns', () => {
    const problems: string[] = [];
    const a = new SimReplica();
    const b = new SimReplica();
    // A list the replica has not followed before is rebuilt from (a restart, a SNAP): its txns answer nobody.
    const applied: Applied[] = [];
    expect(a.follow(applied, (m) => problems.push(m))).toEqual([]);
    applied.push(...base);
    expect(a.follow(applied, (m) => problems.push(m)).map((r) => r.err)).toEqual([ErrorCode.ok, ErrorCode.ok, ErrorCode.ok]);
    expect(b.follow(base.slice(), (m) => problems.push(m))).toEqual([]);
    expect(b.digest()).toBe(a.digest());
    const setData = entry(4n, session, { type: OpCode.setData, path: '/p0', data: Buffer.from('b'), version: 1 });
    const other = entry(4n, session, { type: OpCode.setData, path: '/p0', data: Buffer.from('c'), version: 1 });
    a.follow([...base, setData], (m) => problems.push(m));
    b.follow([...base, other], (m) => problems.push(m));
    expect(a.tree.getNode('/p0')?.data?.toString()).toBe('b');
    expect(b.digest()).not.toBe(a.digest());
    expect(problems).toEqual([]);
  });

  it('reports ephemerals that outlive their session', () => {
    const problems: string[] = [];
    const replica = new SimReplica();
    // A closeSession that lists no paths still deletes the session's ephemerals (killSession): no problem.
    replica.follow([...base, entry(4n, session, { type: OpCode.closeSession, paths2Delete: [] })], (m) => problems.push(m));
    expect(replica.tree.getNode('/e0')).toBeUndefined();
    expect(problems).toEqual([]);
    // An ephemeral owned by a session no createSession opened is caught.
    const orphan = entry(2n, 0x200n, { type: OpCode.create, path: '/e1', data: null, acl, ephemeral: true, parentCVersion: 1 });
    new SimReplica().follow([base[0]!, orphan], (m) => problems.push(m));
    expect(problems.join('\n')).toMatch(/ephemerals of session 512, which is not live/);
  });
});

describe('simulated client history', () => {
  it('holds successes, version conflicts and existence errors, and is linearizable only as recorded', () => {
    const { result, problems } = checkSeed({ seed: 11 });
    expect(problems).toEqual([]);
    const errors = new Set(result.history.map((op) => op.output?.err));
    expect(errors).toContain(ErrorCode.ok);
    expect(errors).toContain(ErrorCode.badVersion);
    expect(errors).toContain(ErrorCode.nodeExists);
    const setIndex = result.history.findIndex((op) => op.input.kind === 'setData' && op.output?.err === ErrorCode.ok);
    expect(setIndex).toBeGreaterThanOrEqual(0);
    const falsified = result.history.map((op, i) =>
      i === setIndex ? { ...op, output: { err: ErrorCode.ok, version: (op.output!.version ?? 0) + 7 } } : op,
    );
    expect(checkLinearizability(falsified, znodeRegisterModel, { timeoutMs: 5000 }).verdict).toBe('violation');
  });
});
