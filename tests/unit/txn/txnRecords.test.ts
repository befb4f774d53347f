import { describe, expect, it } from 'vitest';
import { OpCode } from '../../../node-core/protocol/opCodes.js';
import { decodeTxnEntry, encodeTxnEntry, type Txn, type TxnHeader } from '../../../node-core/txn/txnRecords.js';
import { zxidOfPayload } from '../../../node-core/storage/txnLog.js';
import { zk38LogPayloads } from './zk38LogFixtures.js';

const world = { perms: 31, id: { scheme: 'world', id: 'anyone' } };
const digestBytes = 12;

describe('txn records', () => {
  it('encodes TxnHeader + CreateTxn to hand-computed bytes', () => {
    const header: TxnHeader = { clientId: 0x0100000000000001n, cxid: 5, zxid: 0x100000002n, time: 1700000000000n, type: OpCode.create };
    const txn: Txn = { type: OpCode.create, path: '/a', data: Buffer.from('hi'), acl: [world], ephemeral: true, parentCVersion: 3 };
    const hex =
      '0100000000000001' + // clientId
      '00000005' + // cxid
      '0000000100000002' + // zxid
      '0000018bcfe56800' + // time 1700000000000
      '00000001' + // type create
      '00000002' + '2f61' + // path "/a"
      '00000002' + '6869' + // data "hi"
      '00000001' + '0000001f' + '00000005' + '776f726c64' + '00000006' + '616e796f6e65' + // [31 world:anyone]
      '01' + // ephemeral
      '00000003'; // parentCVersion
    const bytes = encodeTxnEntry(header, txn);
    expect(bytes.toString('hex')).toBe(hex);
    expect(zxidOfPayload(bytes)).toBe(0x100000002n);
    expect(decodeTxnEntry(bytes)).toEqual({ header, txn });
  });

  it('decodes every entry of a real ZooKeeper 3.8 log and re-encodes it byte for byte (less the digest)', () => {
    for (const hex of zk38LogPayloads) {
      const payload = Buffer.from(hex, 'hex');
      const entry = decodeTxnEntry(payload);
      const withoutDigest = entry.header.type === OpCode.error ? payload : payload.subarray(0, payload.length - digestBytes);
      expect(encodeTxnEntry(entry.header, entry.txn).toString('hex')).toBe(withoutDigest.toString('hex'));
      if (entry.header.type !== OpCode.error) expect(entry.digest?.version).toBe(2);
    }
  });

  it('reads the fields ZooKeeper wrote', () => {
    const decode = (i: number) => decodeTxnEntry(Buffer.from(zk38LogPayloads[i]!, 'hex'));
    expect(decode(0)).toMatchObject({
      header: { clientId: 0x1000006f5a80000n, cxid: 0, zxid: 1n, type: OpCode.createSession },
      txn: { type: OpCode.createSession, timeOut: 30000 },
    });
    expect(decode(4).txn).toEqual({
      type: OpCode.create,
      path: '/a/s0000000001',
      data: null,
      acl: [world],
      ephemeral: false,
      parentCVersion: 2,
    });
    expect(decode(8).txn).toEqual({ type: OpCode.error, err: -101 });
    expect(decode(16).txn).toEqual({ type: OpCode.closeSession, paths2Delete: ['/m/c'] });
    const failedMulti = decode(14).txn;
    expect(failedMulti).toEqual({
      type: OpCode.multi,
      txns: [
        { type: OpCode.create, path: '/n', data: null, acl: [world], ephemeral: false, parentCVersion: 3 },
        { type: OpCode.error, err: -101 },
        { type: OpCode.error, err: -2 },
      ],
    });
    const okMulti = decode(12).txn;
    expect(okMulti.type === OpCode.multi && okMulti.txns.map((t) => t.type)).toEqual([1, 1, 5, 13]);
    expect(okMulti.type === OpCode.multi && okMulti.txns[3]).toEqual({ type: OpCode.check, path: '/m', version: 2 });
  });

  it('round-trips every txn type', () => {
    const txns: Txn[] = [
      { type: OpCode.create2, path: '/x', data: Buffer.alloc(0), acl: [world], ephemeral: false, parentCVersion: 9 },
      { type: OpCode.createContainer, path: '/c', data: null, acl: [world], parentCVersion: 1 },
      { type: OpCode.createTTL, path: '/t', data: Buffer.from('v'), acl: [world], parentCVersion: 2, ttl: 5000n },
      { type: OpCode.delete, path: '/x' },
      { type: OpCode.deleteContainer, path: '/c' },
      { type: OpCode.setData, path: '/x', data: Buffer.from([0, 255]), version: 7 },
      { type: OpCode.reconfig, path: '/zookeeper/config', data: Buffer.from('server.1=...'), version: -1 },
      { type: OpCode.check, path: '/x', version: 3 },
      { type: OpCode.setACL, path: '/x', acl: [world, { perms: 1, id: { scheme: 'ip', id: '127.0.0.1' } }], version: 1 },
      { type: OpCode.createSession, timeOut: 4000 },
      { type: OpCode.closeSession, paths2Delete: ['/e1', '/e2'] },
      { type: OpCode.closeSession, paths2Delete: null },
      { type: OpCode.error, err: -110 },
      { type: OpCode.multi, txns: [{ type: OpCode.delete, path: '/a' }, { type: OpCode.setData, path: '/b', data: null, version: 1 }] },
    ];
    for (const txn of txns) {
      const header: TxnHeader = { clientId: -5n, cxid: -1, zxid: 0x7fffffff00000001n, time: 1n, type: txn.type };
      expect(decodeTxnEntry(encodeTxnEntry(header, txn))).toEqual({ header, txn });
    }
  });

  it('reads a pre-3.3 CreateTxnV0 (no parentCVersion) as parentCVersion -1', () => {
    const header: TxnHeader = { clientId: 1n, cxid: 1, zxid: 2n, time: 3n, type: OpCode.create };
    const full = encodeTxnEntry(header, { type: OpCode.create, path: '/v0', data: null, acl: [world], ephemeral: false, parentCVersion: 0 });
    const v0 = full.subarray(0, full.length - 4);
    expect(decodeTxnEntry(v0).txn).toMatchObject({ path: '/v0', parentCVersion: -1 });
  });

  it('refuses a header whose type disagrees with the txn, and unknown types', () => {
    const header: TxnHeader = { clientId: 1n, cxid: 1, zxid: 2n, time: 3n, type: OpCode.delete };
    expect(() => encodeTxnEntry(header, { type: OpCode.check, path: '/a', version: 1 })).toThrow();
    const bogus = encodeTxnEntry({ ...header, type: OpCode.error }, { type: OpCode.error, err: 0 });
    bogus.writeInt32BE(99, 28);
    expect(() => decodeTxnEntry(bogus)).toThrow(/unsupported txn type 99/);
  });

  it('reads a closeSession logged without its body but with a TxnDigest (closeSessionTxn disabled)', () => {
    const header: TxnHeader = { clientId: 0x77n, cxid: 0, zxid: 9n, time: 3n, type: OpCode.closeSession };
    const bare = encodeTxnEntry(header, { type: OpCode.closeSession, paths2Delete: null });
    const digest = Buffer.from('00000002' + '000000021ceb0830', 'hex'); // {int version 2, long treeDigest}
    expect(decodeTxnEntry(Buffer.concat([bare, digest])).txn).toEqual({ type: OpCode.closeSession, paths2Delete: null });
    // twelve bytes that are a one-path list ({count 1, "/abc"}) stay a path list
    const onePath = encodeTxnEntry(header, { type: OpCode.closeSession, paths2Delete: ['/abc'] });
    expect(onePath.length - bare.length).toBe(digestBytes);
    expect(decodeTxnEntry(onePath).txn).toEqual({ type: OpCode.closeSession, paths2Delete: ['/abc'] });
    expect(decodeTxnEntry(Buffer.concat([onePath, digest]))).toMatchObject({ txn: { paths2Delete: ['/abc'] }, digest: { version: 2 } });
  });
});
