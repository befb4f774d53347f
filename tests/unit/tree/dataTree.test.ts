import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../node-core/protocol/errorCodes.js';
import { DataTree } from '../../../node-core/tree/dataTree.js';

const world = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const zeroStat = { czxid: 0n, mzxid: 0n, ctime: 0n, mtime: 0n, version: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 0, pzxid: 0n };

describe('DataTree', () => {
  it('starts with the system nodes exactly as a fresh Apache ZooKeeper 3.8 shows them', () => {
    const tree = new DataTree();
    expect(tree.getStat('/')).toEqual({ ...zeroStat, cversion: -1, numChildren: 1 });
    expect(tree.getStat('/zookeeper')).toEqual({ ...zeroStat, cversion: -2, numChildren: 2 });
    expect(tree.getStat('/zookeeper/quota')).toEqual({ ...zeroStat, cversion: 0, numChildren: 0 });
    expect(tree.getStat('/zookeeper/config')).toEqual({ ...zeroStat, cversion: 0, numChildren: 0, aversion: -1 });
    expect(tree.getNode('/')!.acl).toEqual(world);
    expect(tree.getNode('/zookeeper/quota')!.acl).toEqual(world);
    expect(tree.getNode('/zookeeper/config')!.acl).toEqual([{ perms: 1, id: { scheme: 'world', id: 'anyone' } }]);
    expect(tree.getNode('/zookeeper/config')!.data).toEqual(Buffer.alloc(0));
    // srvr "Node count: 5" and mntr zk_approximate_data_size 44 on a fresh server
    expect(tree.nodeCount).toBe(5);
    expect(tree.approximateDataSize()).toBe(44);
    expect(tree.allChildrenCount('/')).toBe(3);
    expect(tree.allChildrenCount('/zookeeper')).toBe(2);
    expect(tree.lastProcessedZxid).toBe(0n);
  });

  it('interns ACL lists: equal lists share one frozen array and are released with their last node', () => {
    const tree = new DataTree();
    const before = tree.aclCacheSize;
    for (let i = 0; i < 100; i++) {
      expect(tree.createNode(`/n${i}`, null, [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], 0n, -1, BigInt(i + 1), 0n)).toBe(0);
    }
    // the built-in nodes hold OPEN_ACL_UNSAFE outside the cache (ref -1), so the first user node adds one entry
    expect(tree.aclCacheSize).toBe(before + 1);
    expect(tree.getNode('/n0')!.acl).toBe(tree.getNode('/n99')!.acl);
    expect(tree.getNode('/n0')!.acl).not.toBe(tree.getNode('/')!.acl);
    expect(tree.getNode('/n0')!.acl).toEqual(tree.getNode('/')!.acl);
    expect(Object.isFrozen(tree.getNode('/n0')!.acl)).toBe(true);
    const digest = [{ perms: 31, id: { scheme: 'digest', id: 'u:x' } }];
    tree.createNode('/d', null, digest, 0n, -1, 200n, 0n);
    tree.setACL('/n1', digest, 1);
    expect(tree.aclCacheSize).toBe(before + 2);
    expect(tree.getNode('/n1')!.acl).toBe(tree.getNode('/d')!.acl);
    tree.deleteNode('/d', 201n);
    tree.setACL('/n1', world, 2);
    expect(tree.aclCacheSize).toBe(before + 1);
  });

  it('keeps null data apart from empty data and counts data size', () => {
    const tree = new DataTree();
    tree.createNode('/null', null, world, 0n, -1, 1n, 0n);
    tree.createNode('/empty', Buffer.alloc(0), world, 0n, -1, 2n, 0n);
    tree.createNode('/bin', Buffer.from([0, 128, 255]), world, 0n, -1, 3n, 0n);
    expect(tree.getNode('/null')!.data).toBeNull();
    expect(tree.getNode('/empty')!.data).toEqual(Buffer.alloc(0));
    expect(tree.getNode('/bin')!.data).toEqual(Buffer.from([0, 128, 255]));
    expect(tree.approximateDataSize()).toBe(44 + 5 + 6 + 4 + 3);
    tree.setData('/bin', Buffer.from('hello world'), 1, 4n, 9n);
    expect(tree.approximateDataSize()).toBe(44 + 5 + 6 + 4 + 11);
    tree.deleteNode('/bin', 5n);
    expect(tree.approximateDataSize()).toBe(44 + 5 + 6);
  });

  it('returns error codes from its mutations', () => {
    const tree = new DataTree();
    expect(tree.createNode('/a/b', null, world, 0n, -1, 1n, 0n)).toBe(ErrorCode.noNode);
    expect(tree.createNode('/a', null, world, 0n, -1, 1n, 0n)).toBe(0);
    expect(tree.createNode('/a', null, world, 0n, -1, 2n, 0n)).toBe(ErrorCode.nodeExists);
    expect(tree.deleteNode('/b', 3n)).toBe(ErrorCode.noNode);
    expect(tree.setData('/b', null, 1, 3n, 0n)).toBeUndefined();
    expect(tree.setACL('/b', world, 1)).toBeUndefined();
    // a parentCVersion of -1 (CreateTxnV0) means "the parent's + 1"
    expect(tree.getNode('/')!.cversion).toBe(1);
  });

  it('walks subtrees parents first and counts all descendants', () => {
    const tree = new DataTree();
    let zxid = 0n;
    for (const path of ['/a', '/a/b', '/a/b/c', '/a/d', '/e']) tree.createNode(path, null, world, 0n, -1, ++zxid, 0n);
    const walked = [...tree.walk('/a')];
    expect(walked[0]).toBe('/a');
    expect(walked.sort()).toEqual(['/a', '/a/b', '/a/b/c', '/a/d']);
    expect(walked.indexOf('/a/b')).toBeLessThan(walked.indexOf('/a/b/c'));
    expect(tree.allChildrenCount('/a')).toBe(3);
    expect(tree.allChildrenCount('/a/b/c')).toBe(0);
    expect(tree.allChildrenCount('/missing')).toBe(0);
    expect(tree.allChildrenCount('/')).toBe(8);
    expect([...tree.walk('/missing')]).toEqual([]);
  });

  it('gives leaves the shared empty child set and drops a set that empties', () => {
    const tree = new DataTree();
    tree.createNode('/a', null, world, 0n, -1, 1n, 0n);
    tree.createNode('/b', null, world, 0n, -1, 2n, 0n);
    expect(tree.getNode('/a')!.children).toBe(tree.getNode('/b')!.children);
    tree.createNode('/a/x', null, world, 0n, -1, 3n, 0n);
    expect(tree.getNode('/a')!.children.size).toBe(1);
    expect(tree.getNode('/b')!.children.size).toBe(0);
    tree.deleteNode('/a/x', 4n);
    expect(tree.getNode('/a')!.children).toBe(tree.getNode('/b')!.children);
  });
});
