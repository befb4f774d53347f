// Closing the database while a snapshot is being written (a server stopping mid-snapshot) must not wait for the
// snapshot: it is abandoned, its temporary file removed, and the snapshots already on disk stay as they were.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ZkDatabase } from '../../../node-core/server/zkDatabase.js';
import { createMemoryLogger } from '../../../node-core/log/logger.js';

const worldAll = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('ZkDatabase.close', () => {
  it('abandons a snapshot in progress instead of waiting for it, leaving no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paddock-zkdb-close-'));
    dirs.push(dir);
    const logger = createMemoryLogger();
    // snapCount 2: the first applied transaction starts a snapshot
    const database = await ZkDatabase.open({
      dataDir: dir,
      dataLogDir: dir,
      snapCount: 2,
      forceSync: true,
      maxEntryBytes: 1 << 20,
      snapRetainCount: 3,
      logger,
    });
    // Many chunks' worth of tree, so the snapshot cannot finish in the turn it starts in.
    const nodes = 2000;
    for (let i = 1; i <= nodes; i++) {
      database.tree.createNode(`/n${i}`, Buffer.alloc(1024, i), worldAll, 0n, -1, BigInt(i), 0n);
    }
    database.tree.lastProcessedZxid = BigInt(nodes);
    const snapDir = join(dir, 'version-2');
    const before = readdirSync(snapDir).filter((name) => name.startsWith('snapshot.')).sort();

    database.noteApplied();
    await database.close();

    const after = readdirSync(snapDir).filter((name) => name.startsWith('snapshot.')).sort();
    expect(after).toEqual(before);
    expect(logger.lines.some((line) => line.includes(`Snapshot 0x${nodes.toString(16)} abandoned`))).toBe(true);
  });
});
