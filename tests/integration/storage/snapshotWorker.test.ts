// The snapshot worker rebuilds the state at a zxid from the data dir (snapshot + log) on another thread: the file it
// writes must be byte for byte the one the request thread writes from its own tree at that zxid, whether the worker
// starts from a snapshot file or rolls its kept tree forward, and a worker whose rebuilt state differs from the
// server's must refuse, leaving the snapshot to the request thread. Runs the compiled worker (npm run build).
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ZkDatabase } from '../../../node-core/server/zkDatabase.js';
import { writeTreeSnapshot } from '../../../node-core/server/snapshotWriting.js';
import { createMemoryLogger } from '../../../node-core/log/logger.js';
import { applyTxn } from '../../../node-core/txn/applyTxn.js';
import { encodeTxnEntry, type Txn } from '../../../node-core/txn/txnRecords.js';
import { OpCode, Perms } from '../../../node-core/protocol/index.js';
import { snapshotFileName } from '../../../node-core/storage/index.js';
import { REPO_ROOT } from '../../helpers/paddockServer.js';

const workerFile = join(REPO_ROOT, 'dist', 'node-core', 'server', 'snapshotWorker.js');
const worldAll = [{ perms: Perms.all, id: { scheme: 'world', id: 'anyone' } }];
const readOnly = [{ perms: Perms.read, id: { scheme: 'world', id: 'anyone' } }];
const digestAcl = [{ perms: Perms.all, id: { scheme: 'digest', id: 'bob:h8Ya0Gwp9mL9sMbM0d7Dd7RzYS8=' } }];
const dirs: string[] = [];
const databases: ZkDatabase[] = [];

afterEach(async () => {
  for (const database of databases.splice(0)) await database.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function openDatabase(keepMs: number) {
  if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(tmpdir(), 'paddock-snapworker-'));
  dirs.push(dir);
  const logger = createMemoryLogger();
  const database = await ZkDatabase.open({
    dataDir: dir,
    dataLogDir: dir,
    snapCount: 1_000_000_000,
    forceSync: true,
    maxEntryBytes: 1 << 20,
    snapRetainCount: 3,
    logger,
    snapshotWorkerFile: workerFile,
    snapshotWorkerKeepMs: keepMs,
  });
  databases.push(database);
  let zxid = database.lastProcessedZxid;
  /** What the server does with a committed transaction: log it durably, then apply it. */
  const commit = async (clientId: bigint, txn: Txn) => {
    zxid++;
    const header = { clientId, cxid: Number(zxid), zxid, time: 1_700_000_000_000n + zxid, type: txn.type };
    await database.log.append(encodeTxnEntry(header, txn));
    applyTxn(database.tree, header, txn);
    database.trackSessions(header, txn);
  };
  return { dir, database, logger, commit };
}

/** The worker's snapshot at the current zxid, then the request thread's from its tree, as bytes. */
async function bothSnapshots(database: ZkDatabase, dir: string): Promise<{ worker: Buffer; requestThread: Buffer }> {
  const zxid = database.lastProcessedZxid;
  const file = join(dir, 'version-2', snapshotFileName(zxid));
  await database.takeSnapshot();
  const worker = readFileSync(file);
  renameSync(file, file + '.worker');
  await writeTreeSnapshot(database.snapshots, database.tree, database.sessions, zxid);
  const requestThread = readFileSync(file);
  renameSync(file + '.worker', file);
  return { worker, requestThread };
}

async function firstHistory(commit: (clientId: bigint, txn: Txn) => Promise<void>): Promise<void> {
  await commit(0x101n, { type: OpCode.createSession, timeOut: 30_000 });
  await commit(0x102n, { type: OpCode.createSession, timeOut: 12_000 });
  await commit(0x101n, { type: OpCode.create, path: '/app', data: Buffer.from('config'), acl: worldAll, ephemeral: false, parentCVersion: 1 });
  for (let i = 0; i < 300; i++) {
    const data = i % 7 === 0 ? null : Buffer.alloc(i * 3, i);
    await commit(0x102n, { type: OpCode.create, path: `/app/n${i}`, data, acl: i % 5 === 0 ? readOnly : worldAll, ephemeral: false, parentCVersion: i + 1 });
  }
  await commit(0x101n, { type: OpCode.create, path: '/app/lock-0000000001', data: null, acl: worldAll, ephemeral: true, parentCVersion: 301 });
  await commit(0x102n, { type: OpCode.create, path: '/secret', data: Buffer.from('s'), acl: digestAcl, ephemeral: false, parentCVersion: 2 });
  for (let i = 0; i < 50; i++) await commit(0x102n, { type: OpCode.setData, path: `/app/n${i}`, data: Buffer.from(`v${i}`), version: 1 });
  for (let i = 250; i < 300; i++) await commit(0x102n, { type: OpCode.delete, path: `/app/n${i}` });
}

async function secondHistory(commit: (clientId: bigint, txn: Txn) => Promise<void>): Promise<void> {
  // closeSession removes the session's ephemeral node
  await commit(0x101n, { type: OpCode.closeSession, paths2Delete: ['/app/lock-0000000001'] });
  await commit(0x102n, { type: OpCode.setACL, path: '/app', acl: readOnly, version: 1 });
  await commit(0x102n, {
    type: OpCode.multi,
    txns: [
      { type: OpCode.create, path: '/multi', data: Buffer.from('m'), acl: worldAll, ephemeral: false, parentCVersion: 3 },
      { type: OpCode.setData, path: '/app/n60', data: Buffer.from('multi'), version: 1 },
      { type: OpCode.delete, path: '/app/n61' },
    ],
  });
  await commit(0x103n, { type: OpCode.createSession, timeOut: 5_000 });
}

describe('snapshot worker', () => {
  for (const [mode, keepMs] of [
    ['loading the previous snapshot file', 0],
    ['rolling its kept tree forward', 60_000],
  ] as const) {
    it(`writes the same bytes as the request thread, from the log alone and then ${mode}`, async () => {
      const { dir, database, logger, commit } = await openDatabase(keepMs);
      await firstHistory(commit);
      const firstZxid = database.lastProcessedZxid;
      const first = await bothSnapshots(database, dir);
      expect(first.worker.length).toBeGreaterThan(10_000);
      expect(first.worker.equals(first.requestThread)).toBe(true);
      // An idle worker ends once its keep time is over; with 0 the next snapshot starts from the file above.
      await new Promise((resolve) => setTimeout(resolve, 50));

      await secondHistory(commit);
      const second = await bothSnapshots(database, dir);
      expect(second.worker.equals(second.requestThread)).toBe(true);
      expect(second.worker.equals(first.worker)).toBe(false);

      const written = logger.lines.filter((line) => line.includes('by the snapshot worker'));
      expect(written).toHaveLength(2);
      expect(written[0]).toContain('from an empty tree');
      expect(written[1]).toContain(keepMs === 0 ? `from ${snapshotFileName(firstZxid)} ` : 'from its tree of the previous snapshot');
      expect(database.snapshotStats).toMatchObject({ taken: 2, inWorker: 2 });
    });
  }

  it('abandons a worker snapshot when the database closes, leaving no file behind', async () => {
    const { dir, database, logger, commit } = await openDatabase(60_000);
    await firstHistory(commit);
    const zxid = database.lastProcessedZxid;
    const taking = database.takeSnapshot();
    await database.close();
    await taking;
    expect(logger.lines.some((line) => line.includes(`Snapshot 0x${zxid.toString(16)} abandoned: the server is stopping`))).toBe(true);
    expect(readdirSync(join(dir, 'version-2')).filter((name) => name.startsWith('snapshot.'))).toEqual([]);
  });

  it('refuses a rebuilt state that differs from the server and leaves the snapshot to the request thread', async () => {
    const { dir, database, logger, commit } = await openDatabase(0);
    await firstHistory(commit);
    // A change that never went through the log: the worker cannot see it.
    database.tree.createNode('/unlogged', Buffer.from('x'), worldAll, 0n, -1, database.lastProcessedZxid, 0n);
    const zxid = database.lastProcessedZxid;
    await database.takeSnapshot();
    expect(logger.lines.some((line) => /Snapshot worker failed at 0x[0-9a-f]+ \(the state rebuilt from disk \(\d+ znodes/.test(line))).toBe(true);
    const file = readFileSync(join(dir, 'version-2', snapshotFileName(zxid)));
    expect(file.includes(Buffer.from('/unlogged'))).toBe(true);
    expect(database.snapshotStats).toMatchObject({ taken: 1, inWorker: 0 });
  });
});
