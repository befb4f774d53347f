// One data dir, two engines: Apache ZooKeeper 3.8 writes a varied tree (snapshots and logs), is killed, and Paddock
// started on the same zoo.cfg must serve exactly that tree (data, ACL, full Stat), the same last zxid, and the live
// session with its ephemerals; then Paddock writes (snapshots in ZooKeeper's format) and ZooKeeper reads it back.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZkClient } from '../../node-core/client/index.js';
import { CreateMode } from '../../node-core/protocol/constants.js';
import { apacheSessionPassword } from '../../node-core/server/sessionPassword.js';
import type { ACL } from '../../node-core/protocol/records.js';
import { apacheLauncher, startApacheZk } from '../helpers/apacheZk.js';
import { paddockLauncher } from '../helpers/paddockServer.js';
import { dumpTree, srvrZxid, superUser } from '../helpers/treeDump.js';
import type { ZkTarget } from '../helpers/zkTarget.js';

const world = (perms: number): ACL[] => [{ perms, id: { scheme: 'world', id: 'anyone' } }];
const admin = superUser('swap-secret');
const SNAP_COUNT = 40;

let target: ZkTarget | undefined;
const clients: ZkClient[] = [];
afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await target?.stop();
});

async function open(): Promise<ZkClient> {
  // Apache ZooKeeper accepts connections while it starts and may leave one unanswered (NullPointerException:
  // zkDb is null); a short connect timeout makes the client retry rather than wait out the whole session timeout.
  const client = await ZkClient.connect(target!.connectString, { sessionTimeout: 40_000, connectTimeoutMs: 5_000 });
  clients.push(client);
  return client;
}

async function superDump(): Promise<Awaited<ReturnType<typeof dumpTree>>> {
  const reader = await open();
  await reader.addAuth('digest', admin.auth);
  const tree = await dumpTree(reader);
  await reader.close();
  return tree;
}

function versionDir(): string {
  return join(target!.members[0]!.dataDir, 'version-2');
}

function files(prefix: string): string[] {
  return readdirSync(versionDir()).filter((n) => n.startsWith(prefix) && !n.endsWith('.tmp'));
}

/** Varied writes: every create mode, ACL kinds, data of many sizes including null, updates and deletes. */
async function writeVariedTree(client: ZkClient, owner: ZkClient, tag: string): Promise<void> {
  await client.create(`/${tag}`, null);
  for (let size = 0; size <= 1024; size += 128) {
    await client.create(`/${tag}/data-${size}`, Buffer.alloc(size, size % 251));
  }
  await client.create(`/${tag}/null`, null);
  await client.create(`/${tag}/empty`, Buffer.alloc(0));
  await client.create(`/${tag}/read-only`, 'ro', { acl: world(1) });
  await client.create(`/${tag}/digest`, 'secret', { acl: [{ perms: 31, id: { scheme: 'digest', id: admin.digest } }] });
  await client.create(`/${tag}/ip`, 'ip', { acl: [{ perms: 3, id: { scheme: 'ip', id: '127.0.0.1' } }, ...world(1)] });
  for (let i = 0; i < 3; i++) await client.create(`/${tag}/seq-`, `s${i}`, { mode: CreateMode.persistentSequential });
  await client.create(`/${tag}/container`, null, { mode: CreateMode.container });
  await client.create(`/${tag}/container/child`, 'keeps the container');
  await client.create(`/${tag}/ttl`, 'ttl', { mode: CreateMode.persistentWithTtl, ttl: 3_600_000 });
  await client.create(`/${tag}/ttl-seq-`, 'ttl', { mode: CreateMode.persistentSequentialWithTtl, ttl: 3_600_000 });
  await owner.create(`/${tag}/ephemeral`, 'mine', { mode: CreateMode.ephemeral });
  await owner.create(`/${tag}/ephemeral-seq-`, Buffer.alloc(300, 1), { mode: CreateMode.ephemeralSequential });
  await client.setData(`/${tag}/data-128`, 'changed');
  await client.setData(`/${tag}/data-128`, 'changed again');
  await client.setACL(`/${tag}/data-256`, world(31 & ~8));
  await client.delete(`/${tag}/data-384`);
  // enough transactions to make the server snapshot at least once (snapCount) with more log after it
  for (let i = 0; i < SNAP_COUNT * 2; i++) await client.setData(`/${tag}/data-512`, `round ${i}`);
}

describe('a data dir written by Apache ZooKeeper 3.8 and by Paddock', () => {
  it('Paddock serves what ZooKeeper wrote, and ZooKeeper serves what Paddock wrote', async () => {
    target = await startApacheZk({ superDigest: admin.digest, extraConfig: { snapCount: SNAP_COUNT } });
    const writer = await open();
    const owner = await open();
    await writeVariedTree(writer, owner, 'zk');
    await writer.close();
    expect(files('snapshot.').length).toBeGreaterThan(1);
    // ZooKeeper derives the password from the id; Paddock, which keeps its own passwords under a secret, accepts this
    // one for the sessions live when it takes the data dir over, so the session outlives the change of engine.
    expect(owner.sessionPasswd.equals(apacheSessionPassword(owner.sessionId))).toBe(true);
    const ownerEphemerals = (await owner.getEphemerals('/')).sort();
    expect(ownerEphemerals).toHaveLength(2);

    const zkTree = await superDump();
    const zkZxid = srvrZxid(await target.fourLetterWord('srvr'));
    await target.kill(1);

    await target.restartWith(1, paddockLauncher);
    expect(target.logTail(1, 200)).toMatch(/Loaded snapshot snapshot\.[0-9a-f]+/);
    expect(srvrZxid(await target.fourLetterWord('srvr'))).toBe(zkZxid);
    expect(await superDump()).toEqual(zkTree);
    // The client kept open across the swap reconnects with its session id and password: same session, same ephemerals.
    const ownerSession = owner.sessionId;
    await owner.waitForConnected();
    expect(owner.sessionId).toBe(ownerSession);
    expect((await owner.getEphemerals('/')).sort()).toEqual(ownerEphemerals);

    // Paddock writes on, past its own snapshot, then ZooKeeper takes the data dir back.
    const zkSnapshots = new Set(files('snapshot.'));
    const writer2 = await open();
    await writeVariedTree(writer2, owner, 'paddock');
    await writer2.close();
    const paddockTree = await superDump();
    const paddockZxid = srvrZxid(await target.fourLetterWord('srvr'));
    const allEphemerals = (await owner.getEphemerals('/')).sort();
    expect(allEphemerals).toHaveLength(4);
    await target.kill(1);
    // listed after the kill: a snapshot the last transactions started may complete until then
    const paddockSnapshots = files('snapshot.').filter((n) => !zkSnapshots.has(n));
    expect(paddockSnapshots.length).toBeGreaterThan(0);

    await target.restartWith(1, apacheLauncher);
    const newestPaddock = paddockSnapshots.sort((a, b) => Number(BigInt('0x' + b.slice(9)) - BigInt('0x' + a.slice(9))))[0]!;
    const zkLog = readFileSync(target.members[0]!.logPath, 'utf8');
    const snapshotsRead = zkLog.split('\n').filter((line) => line.includes('Reading snapshot'));
    const context = zkLog.split('\n').filter((line) => /snapshot|snap file|CRC|Exception/i.test(line)).slice(-12).join('\n');
    expect(snapshotsRead.at(-1), `Paddock wrote ${paddockSnapshots.join(', ')}; ZooKeeper said:\n${context}`).toContain(
      join(versionDir(), newestPaddock),
    );
    // ZooKeeper checks the digest trailer Paddock wrote against the tree it loaded.
    expect(zkLog).not.toMatch(/Digests are not matching|digest mismatch/i);
    expect(srvrZxid(await target.fourLetterWord('srvr'))).toBe(paddockZxid);
    expect(await superDump()).toEqual(paddockTree);
    await owner.waitForConnected();
    expect(owner.sessionId).toBe(ownerSession);
    expect((await owner.getEphemerals('/')).sort()).toEqual(allEphemerals);
    expect(await target.fourLetterWord('mntr')).toMatch(/zk_digest_mismatches_count\t0/);
  }, 180_000);
});
