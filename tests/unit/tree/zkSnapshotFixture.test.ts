// A snapshot file written by a real Apache ZooKeeper 3.8 (tests/fixtures/zk38/datadir, made by makeFixture.ts
// there): Paddock must read every field of it, compute the same tree digest ZooKeeper stored, and, writing the tree
// it loaded, produce the very same file byte for byte (header, sessions, ACL map, nodes, seals, digest trailer).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../node-core/log/logger.js';
import { containerEphemeralOwner, ttlEphemeralOwner } from '../../../node-core/protocol/constants.js';
import { SnapshotStore } from '../../../node-core/storage/snapshotStore.js';
import { digestSection, parseSnapshotTrailer } from '../../../node-core/storage/snapshotTrailer.js';
import { deserializeSnapshot, serializeSnapshot, type ZxidDigest } from '../../../node-core/tree/snapshotCodec.js';

const fixtureDir = new URL('../../fixtures/zk38/datadir/', import.meta.url);
const fileBytes = readFileSync(new URL('snapshot.12', fixtureDir));
const ownerSession = BigInt('0x' + (JSON.parse(readFileSync(new URL('session.json', fixtureDir), 'utf8')) as { sessionId: string }).sessionId);
const world = (perms: number) => [{ perms, id: { scheme: 'world', id: 'anyone' } }];

const tmp = mkdtempSync(join(tmpdir(), 'paddock-zksnap-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));


describe('a snapshot written by Apache ZooKeeper 3.8', () => {
  it('reads header, sessions, ACLs, every node and the digest trailer', async () => {
    expect(fileBytes.subarray(0, 16).toString('hex')).toBe('5a4b534e00000002ffffffffffffffff');
    const store = await SnapshotStore.open(tmp, { logger: createMemoryLogger("snap") });
    await (await import('node:fs/promises')).writeFile(join(tmp, 'snapshot.12'), fileBytes);
    const read = await store.read('snapshot.12');
    if (!read.ok) throw new Error(read.reason);
    const loaded = deserializeSnapshot(read.body);
    const trailer = parseSnapshotTrailer(read.body, loaded.end, read.checksum);
    expect(trailer.digest?.zxid).toBe(0x12n);
    expect(trailer.digest?.version).toBe(2);
    expect(loaded.sessions.get(ownerSession)).toBe(30_000);

    const tree = loaded.tree;
    const node = (path: string) => tree.getNode(path)!;
    expect(node('/app').data?.toString()).toBe('config-v2');
    expect(node('/app').version).toBe(1);
    expect(node('/app/null').data).toBeNull();
    expect(node('/app/empty').data).toEqual(Buffer.alloc(0));
    expect(node('/app/ro').acl).toEqual(world(1));
    expect(node('/app/ip').acl).toEqual([{ perms: 31, id: { scheme: 'ip', id: '127.0.0.1' } }]);
    expect(node('/app/ünïcode').data).toEqual(Buffer.from([0, 1, 2, 255]));
    expect([...node('/app').children].filter((c) => c.startsWith('seq-')).sort()).toEqual(['seq-0000000004', 'seq-0000000005']);
    expect(node('/app/box').ephemeralOwner).toBe(containerEphemeralOwner);
    expect(node('/app/ttl').ephemeralOwner).toBe(ttlEphemeralOwner(86_400_000n));
    expect(node('/app/lock').ephemeralOwner).toBe(ownerSession);
    expect([...tree.ephemeralsOf(ownerSession)]).toEqual(['/app/lock']);
    expect(tree.containers().has('/app/box')).toBe(true);
    expect(tree.ttlNodes().has('/app/ttl')).toBe(true);
    expect(node('/zookeeper/config').acl).toEqual(world(1));
    expect(node('/zookeeper/config').aversion).toBe(-1);
    // ZooKeeper's own count: "/" and "" both name the root
    expect(tree.nodeCount).toBe(17);
  });

  it('writes the tree it loaded back as the identical file, digest included', async () => {
    const store = await SnapshotStore.open(tmp, { logger: createMemoryLogger("snap") });
    const read = await store.read('snapshot.12');
    if (!read.ok) throw new Error(read.reason);
    const loaded = deserializeSnapshot(read.body);
    const stored = parseSnapshotTrailer(read.body, loaded.end, read.checksum).digest!;
    loaded.tree.lastProcessedZxid = 0x12n;
    let digest: ZxidDigest | undefined;
    const body = serializeSnapshot(loaded.tree, loaded.sessions, { chunkBytes: 100, onDigest: (d) => (digest = d) });
    const out = await SnapshotStore.open(join(tmp, 'out'), { logger: createMemoryLogger('snap') });
    const written = await out.writeSnapshot(0x12n, body, () => [digestSection(digest!)]);
    expect(digest).toEqual(stored);
    expect(readFileSync(written).toString('hex')).toBe(fileBytes.toString('hex'));
  });
});
