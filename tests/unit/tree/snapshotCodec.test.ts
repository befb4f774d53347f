import { describe, expect, it } from 'vitest';
import { OpCode } from '../../../node-core/protocol/opCodes.js';
import { DataTree } from '../../../node-core/tree/dataTree.js';
import { SnapshotFormatError, deserializeSnapshot, serializeSnapshot } from '../../../node-core/tree/snapshotCodec.js';
import { applyTxn } from '../../../node-core/txn/applyTxn.js';
import { decodeTxnEntry, type Txn } from '../../../node-core/txn/txnRecords.js';
import { zk38LogPayloads } from '../txn/zk38LogFixtures.js';

const world = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** Everything observable about a tree, for equality checks. */
function describeTree(tree: DataTree) {
  const nodes = [...tree.walk('/')].sort().map((path) => {
    const node = tree.getNode(path)!;
    return { path, stat: tree.statOf(node), data: node.data?.toString('hex') ?? null, acl: node.acl, cversion: node.cversion, children: [...node.children].sort() };
  });
  return {
    nodes,
    nodeCount: tree.nodeCount,
    dataSize: tree.approximateDataSize(),
    ephemerals: [...tree.sessionsWithEphemerals()].map(([s, p]) => [s, [...p].sort()]),
    containers: [...tree.containers()].sort(),
    ttls: [...tree.ttlNodes()].sort(),
  };
}

function sampleTree(): DataTree {
  const tree = new DataTree();
  for (const hex of zk38LogPayloads) {
    const { header, txn } = decodeTxnEntry(Buffer.from(hex, 'hex'));
    applyTxn(tree, header, txn);
  }
  let zxid = tree.lastProcessedZxid;
  const apply = (txn: Txn, clientId = 0x77n) => applyTxn(tree, { clientId, cxid: 1, zxid: ++zxid, time: 5000n + zxid, type: txn.type }, txn);
  apply({ type: OpCode.create2, path: '/eph', data: Buffer.from('e'), acl: world, ephemeral: true, parentCVersion: 3 });
  apply({ type: OpCode.createContainer, path: '/cont', data: null, acl: world, parentCVersion: 4 });
  apply({ type: OpCode.createTTL, path: '/ttl', data: Buffer.alloc(0), acl: [{ perms: 3, id: { scheme: 'digest', id: 'u:p' } }], parentCVersion: 5, ttl: 1000n });
  apply({ type: OpCode.setACL, path: '/a', acl: [{ perms: 1, id: { scheme: 'ip', id: '10.0.0.1' } }], version: 3 });
  apply({ type: OpCode.setData, path: '/zookeeper/config', data: Buffer.from('server.1=127.0.0.1:2888:3888'), version: -1 });
  return tree;
}

describe('snapshot codec', () => {
  it('round-trips tree and sessions exactly', () => {
    const tree = sampleTree();
    const sessions = new Map([[0x77n, 30000], [-0x123456789n, 4000]]);
    const chunks = [...serializeSnapshot(tree, sessions)];
    const loaded = deserializeSnapshot(chunks);
    expect(loaded.end).toBe(Buffer.concat(chunks).length);
    expect(loaded.sessions).toEqual(sessions);
    expect(describeTree(loaded.tree)).toEqual(describeTree(tree));
    expect(loaded.tree.aclCacheSize).toBe(tree.aclCacheSize);
    // the loaded tree keeps working: sequential suffixes continue from the persisted cversion
    expect(loaded.tree.getNode('/a')!.cversion).toBe(4);
  });

  it('writes chunks of about the requested size and reads them back joined', () => {
    const tree = new DataTree();
    for (let i = 0; i < 2000; i++) tree.createNode(`/n${i}`, Buffer.alloc(i % 300, i % 256), world, i % 7 === 0 ? 0x99n : 0n, -1, BigInt(i + 1), BigInt(i));
    tree.createNode('/big', Buffer.alloc(200_000, 1), world, 0n, -1, 5000n, 0n);
    tree.lastProcessedZxid = 5000n;
    const chunks = [...serializeSnapshot(tree, new Map(), 4096)];
    expect(chunks.length).toBeGreaterThan(50);
    for (const chunk of chunks.slice(0, -1)) expect(chunk.length).toBeGreaterThanOrEqual(4096);
    const whole = Buffer.concat(chunks);
    const expected = describeTree(tree);
    expect(describeTree(deserializeSnapshot(whole).tree)).toEqual(expected);
    expect(describeTree(deserializeSnapshot(chunks).tree)).toEqual(expected);
  });

  it('is the state at the start even when the tree changes while it is written', () => {
    const tree = new DataTree();
    let zxid = 0n;
    const apply = (txn: Txn) => applyTxn(tree, { clientId: 0x5n, cxid: 0, zxid: ++zxid, time: zxid, type: txn.type }, txn);
    for (let i = 0; i < 300; i++) {
      apply({ type: OpCode.create2, path: `/d${i % 10}${i < 10 ? '' : `/c${i}`}`, data: Buffer.from(`v${i}`), acl: world, ephemeral: false, parentCVersion: -1 });
    }
    for (const path of ['/sub', '/sub/a', '/sub/a/b']) {
      apply({ type: OpCode.create2, path, data: Buffer.from(path), acl: world, ephemeral: false, parentCVersion: -1 });
    }
    const expected = describeTree(tree);
    const snapshot = serializeSnapshot(tree, new Map([[5n, 100]]), 512);
    const chunks: Buffer[] = [];
    let step = 0;
    for (const chunk of snapshot) {
      chunks.push(chunk);
      // mutate everything a snapshot could trip over between chunks
      step++;
      apply({ type: OpCode.setData, path: `/d${step % 10}`, data: Buffer.from(`changed${step}`), version: step });
      apply({ type: OpCode.delete, path: `/d${step % 10}/c${10 + step}` });
      apply({ type: OpCode.create2, path: `/d${step % 10}/new${step}`, data: null, acl: world, ephemeral: true, parentCVersion: -1 });
      apply({ type: OpCode.setACL, path: `/d${(step + 3) % 10}/c${200 + step}`, acl: [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }], version: 1 });
      if (step === 5) apply({ type: OpCode.create2, path: '/late', data: null, acl: world, ephemeral: false, parentCVersion: -1 });
      if (step === 2) {
        // a whole subtree goes (children first) and its root comes back as a different node
        for (const path of ['/sub/a/b', '/sub/a', '/sub']) apply({ type: OpCode.delete, path });
        apply({ type: OpCode.create2, path: '/sub', data: Buffer.from('reborn'), acl: world, ephemeral: false, parentCVersion: -1 });
      }
    }
    expect(step).toBeGreaterThan(10);
    const loaded = deserializeSnapshot(chunks);
    expect(describeTree(loaded.tree)).toEqual(expected);
    // the view closed: another snapshot can start, and it sees the changes
    const later = deserializeSnapshot(serializeSnapshot(tree, new Map()));
    expect(describeTree(later.tree)).toEqual(describeTree(tree));
  });

  it('keeps several views at once, each exactly its own moment, and closes a view the consumer abandons', () => {
    const tree = sampleTree();
    let zxid = tree.lastProcessedZxid;
    const apply = (txn: Txn) => applyTxn(tree, { clientId: 0x77n, cxid: 1, zxid: ++zxid, time: 9000n + zxid, type: txn.type }, txn);
    const atFirst = describeTree(tree);
    const first = serializeSnapshot(tree, new Map(), 64);
    const firstChunks = [first.next().value!];
    apply({ type: OpCode.setData, path: '/a', data: Buffer.from('between'), version: 7 });
    apply({ type: OpCode.create2, path: '/between', data: null, acl: world, ephemeral: false, parentCVersion: -1 });
    const atSecond = describeTree(tree);
    const second = serializeSnapshot(tree, new Map(), 64);
    const secondChunks: Buffer[] = [];
    // both advance while the tree keeps changing, including the nodes each has already preserved
    for (let step = 0; ; step++) {
      const a = first.next();
      const b = second.next();
      if (!a.done) firstChunks.push(a.value);
      if (!b.done) secondChunks.push(b.value);
      if (a.done && b.done) break;
      apply({ type: OpCode.setData, path: '/a', data: Buffer.from(`later${step}`), version: 8 + step });
      if (step === 1) apply({ type: OpCode.delete, path: '/between' });
    }
    expect(describeTree(deserializeSnapshot(firstChunks).tree)).toEqual(atFirst);
    expect(describeTree(deserializeSnapshot(secondChunks).tree)).toEqual(atSecond);
    // abandoning a view, before or after its first chunk, closes it: a later one sees the live tree
    const abandoned = serializeSnapshot(tree, new Map(), 64);
    abandoned.next();
    abandoned.return(undefined);
    serializeSnapshot(tree, new Map()).return(undefined);
    apply({ type: OpCode.setData, path: '/a', data: Buffer.from('last'), version: 99 });
    expect(describeTree(deserializeSnapshot(serializeSnapshot(tree, new Map())).tree)).toEqual(describeTree(tree));
  });

  it('reports where truncated or foreign bytes go wrong, and stops at the end marker', () => {
    const whole = Buffer.concat([...serializeSnapshot(sampleTree(), new Map([[1n, 2]]))]);
    const error = (bytes: Buffer) => {
      try {
        deserializeSnapshot(bytes);
      } catch (e) {
        return e as SnapshotFormatError;
      }
      throw new Error('accepted a bad snapshot');
    };
    expect(error(whole.subarray(0, whole.length - 3))).toBeInstanceOf(SnapshotFormatError);
    expect(error(whole.subarray(0, 200)).offset).toBeLessThanOrEqual(200);
    expect(error(Buffer.from('not a snapshot at all')).message).toMatch(/count|ends/);
    // whatever follows the "/" marker is the caller's (seals and trailers in a file)
    const extended = Buffer.concat([whole, Buffer.from([0, 0, 0, 8, 0, 0, 0, 2, 1, 2, 3, 4])]);
    expect(deserializeSnapshot(extended).end).toBe(whole.length);
    // a node pointing at an ACL the map does not hold (sessions: 4 + 12 bytes, then the ACL map count)
    const noAcls = Buffer.from(whole);
    noAcls.writeInt32BE(0, 16);
    expect(error(Buffer.concat([noAcls.subarray(0, 20), whole.subarray(firstNodeOffset(whole))])).message).toMatch(/refers to ACL/);
  });
});

/** Offset of the first node (the root, path "") in a body with one session. */
function firstNodeOffset(body: Buffer): number {
  let at = 16;
  const entries = body.readInt32BE(at);
  at += 4;
  for (let i = 0; i < entries; i++) {
    at += 8;
    const count = body.readInt32BE(at);
    at += 4;
    for (let j = 0; j < count; j++) {
      at += 4;
      at += 4 + body.readInt32BE(at);
      at += 4 + body.readInt32BE(at);
    }
  }
  return at;
}
