import { describe, expect, it } from 'vitest';
import { DataTree } from '../../../node-core/tree/dataTree.js';
import { deserializeSnapshot, serializeSnapshot } from '../../../node-core/tree/snapshotCodec.js';
import { StatsTrack } from '../../../node-core/tree/statsTrack.js';
import { ErrorCode } from '../../../node-core/protocol/index.js';

const acl = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
let zxid = 1n;

function create(tree: DataTree, path: string, data: string | null = null): void {
  expect(tree.createNode(path, data === null ? null : Buffer.from(data), acl, 0n, -1, zxid++, 0n)).toBe(ErrorCode.ok);
}

/** What setquota writes: the quota node chain, the limits, then a stat node the server recounts. */
function setQuota(tree: DataTree, path: string, limits: string): void {
  let quotaPath = '/zookeeper/quota';
  for (const part of path.split('/').slice(1)) {
    quotaPath += `/${part}`;
    if (tree.getNode(quotaPath) === undefined) create(tree, quotaPath);
  }
  create(tree, `${quotaPath}/zookeeper_limits`, limits);
  create(tree, `${quotaPath}/zookeeper_stats`, 'count=0,bytes=0');
}

const usage = (tree: DataTree, path: string) => tree.getNode(`/zookeeper/quota${path}/zookeeper_stats`)?.data?.toString();

describe('StatsTrack', () => {
  it("reads and writes ZooKeeper's text: count and bytes first, a spurious '=', then the other keys sorted", () => {
    const limits = StatsTrack.parse('count=3,bytes=-1=;countHardLimit=4;byteHardLimit=-1');
    expect(limits.get('count')).toBe(3n);
    expect(limits.get('bytes')).toBe(-1n);
    expect(limits.get('countHardLimit')).toBe(4n);
    expect(limits.toString()).toBe('count=3,bytes=-1=;byteHardLimit=-1;countHardLimit=4');
    expect(StatsTrack.parse('count=2,bytes=7').toString()).toBe('count=2,bytes=7');
    // 3.4's format and missing keys: absent reads as -1, empty as -1, garbage is skipped rather than fatal
    expect(StatsTrack.parse('count=,bytes=x').toString()).toBe('count=-1,bytes=-1');
    expect(StatsTrack.parse(null).has('count')).toBe(false);
  });
});

describe('quota usage in the tree', () => {
  it('counts the subtree when the stat node is created, then follows creates, setData and deletes', () => {
    const tree = new DataTree();
    create(tree, '/a', 'xy');
    create(tree, '/a/b', 'abc');
    create(tree, '/ab', 'unrelated');
    setQuota(tree, '/a', 'count=10,bytes=-1');
    expect(usage(tree, '/a')).toBe('count=2,bytes=5');
    const statNode = tree.getStat('/zookeeper/quota/a/zookeeper_stats')!;

    create(tree, '/a/b/c', '1234');
    expect(usage(tree, '/a')).toBe('count=3,bytes=9');
    tree.setData('/a/b', Buffer.from('a'), 1, zxid++, 0n);
    expect(usage(tree, '/a')).toBe('count=3,bytes=7');
    expect(tree.deleteNode('/a/b/c', zxid++)).toBe(ErrorCode.ok);
    expect(usage(tree, '/a')).toBe('count=2,bytes=3');
    create(tree, '/ab/x', 'not counted');
    expect(usage(tree, '/a')).toBe('count=2,bytes=3');
    // the usage changes in place: the stat node keeps its version and mzxid, as in ZooKeeper
    const after = tree.getStat('/zookeeper/quota/a/zookeeper_stats')!;
    expect([after.version, after.mzxid]).toEqual([statNode.version, statNode.mzxid]);
    expect(tree.quotas.quotaPathFor('/a/b')).toBe('/a');
    expect(tree.quotas.quotaPathFor('/ab')).toBeUndefined();
  });

  it('the deepest quota counts a node; deleting the limits node stops the counting', () => {
    const tree = new DataTree();
    create(tree, '/p');
    create(tree, '/p/q');
    setQuota(tree, '/p', 'count=10,bytes=-1');
    setQuota(tree, '/p/q', 'count=10,bytes=-1');
    create(tree, '/p/q/r', 'zz');
    expect(usage(tree, '/p/q')).toBe('count=2,bytes=2');
    expect(usage(tree, '/p')).toBe('count=2,bytes=0');
    expect(tree.deleteNode('/zookeeper/quota/p/zookeeper_limits', zxid++)).toBe(ErrorCode.ok);
    // ZooKeeper's trie drops the quotas below a deleted one as well
    expect(tree.quotas.paths.size).toBe(0);
    create(tree, '/p/q/s');
    expect(usage(tree, '/p/q')).toBe('count=2,bytes=2');
  });

  it('is recounted from the tree when a snapshot is loaded', () => {
    const tree = new DataTree();
    create(tree, '/s', 'abc');
    create(tree, '/s/t', 'de');
    setQuota(tree, '/s', 'count=-1,bytes=-1=;byteHardLimit=10;countHardLimit=-1');
    const loaded = deserializeSnapshot([...serializeSnapshot(tree, new Map())]).tree;
    expect(usage(loaded, '/s')).toBe('count=2,bytes=5');
    create(loaded, '/s/u', 'fgh');
    expect(usage(loaded, '/s')).toBe('count=3,bytes=8');
    expect(loaded.quotas.check('/s/v', 3, 1)).toEqual({
      err: ErrorCode.quotaExceeded,
      messages: ['Quota exceeded: /s [current bytes=11, hardByteLimit=10]'],
    });
    expect(loaded.quotas.check('/s/v', 2, 1).err).toBe(ErrorCode.ok);
  });

  it('a soft limit is reported but allowed; a hard limit replaces the soft one', () => {
    const tree = new DataTree();
    create(tree, '/m');
    setQuota(tree, '/m', 'count=1,bytes=-1=;byteHardLimit=-1;countHardLimit=-1');
    expect(tree.quotas.check('/m/x', 0, 1)).toEqual({ err: ErrorCode.ok, messages: ['Quota exceeded: /m [current count=2, softCountLimit=1]'] });
    tree.setData('/zookeeper/quota/m/zookeeper_limits', Buffer.from('count=1,bytes=-1=;byteHardLimit=-1;countHardLimit=3'), 1, zxid++, 0n);
    expect(tree.quotas.check('/m/x', 0, 1)).toEqual({ err: ErrorCode.ok, messages: [] });
    expect(tree.quotas.check('/elsewhere', 100, 1)).toEqual({ err: ErrorCode.ok, messages: [] });
  });
});
