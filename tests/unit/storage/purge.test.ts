import * as fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../node-core/log/logger.js';
import { purgeOldFiles } from '../../../node-core/storage/purge.js';
import { SnapshotStore } from '../../../node-core/storage/snapshotStore.js';
import { logHeader, makeTempDir, removeDir } from './fixtures.js';

let dataDir: string;
let dataLogDir: string;

beforeEach(async () => {
  dataDir = await makeTempDir('paddock-data-');
  dataLogDir = await makeTempDir('paddock-datalog-');
});
afterEach(async () => {
  await removeDir(dataDir);
  await removeDir(dataLogDir);
});

async function setUp(snapshots: number[], logs: number[], logDir = dataLogDir): Promise<void> {
  const store = await SnapshotStore.open(path.join(dataDir, 'version-2'), { logger: createMemoryLogger() });
  for (const zxid of snapshots) await store.writeSnapshot(BigInt(zxid), Buffer.from(`state@${zxid}`));
  await fs.mkdir(path.join(logDir, 'version-2'), { recursive: true });
  for (const zxid of logs) await fs.writeFile(path.join(logDir, 'version-2', `log.${zxid.toString(16)}`), logHeader());
}

async function names(dir: string): Promise<string[]> {
  return (await fs.readdir(path.join(dir, 'version-2'))).sort();
}

describe('purgeOldFiles', () => {
  it('keeps the newest N snapshots and the logs needed to replay from the oldest kept one', async () => {
    await setUp([0x10, 0x20, 0x30, 0x40, 0x50], [0x1, 0x15, 0x25, 0x35, 0x45]);
    const result = await purgeOldFiles({ dataDir, dataLogDir, snapRetainCount: 3 });
    expect(await names(dataDir)).toEqual(['snapshot.30', 'snapshot.40', 'snapshot.50']);
    // log.25 holds the txns just after snapshot.30; log.1 and log.15 are covered by it.
    expect(await names(dataLogDir)).toEqual(['log.25', 'log.35', 'log.45']);
    expect(result.snapshots.map((f) => path.basename(f)).sort()).toEqual(['snapshot.10', 'snapshot.20']);
    expect(result.logs.map((f) => path.basename(f)).sort()).toEqual(['log.1', 'log.15']);
    expect(result.snapshots[0]).toContain(path.join(dataDir, 'version-2'));
  });

  it('keeps at least three snapshots whatever count is asked for', async () => {
    await setUp([0x10, 0x20, 0x30, 0x40], [0x1]);
    const logger = createMemoryLogger();
    const result = await purgeOldFiles({ dataDir, dataLogDir, snapRetainCount: 1, logger });
    expect(await names(dataDir)).toEqual(['snapshot.20', 'snapshot.30', 'snapshot.40']);
    expect(result.logs).toEqual([]);
    expect(logger.lines.some((l) => l.includes(' WARN ') && l.includes('snapRetainCount 1'))).toBe(true);
  });

  it('keeps a log that starts exactly at the oldest kept snapshot and drops the one before', async () => {
    await setUp([0x10, 0x20, 0x30, 0x40], [0x5, 0x20, 0x41]);
    await purgeOldFiles({ dataDir, dataLogDir, snapRetainCount: 3 });
    expect(await names(dataLogDir)).toEqual(['log.20', 'log.41']);
  });

  it('does not count damaged snapshots, and leaves newer damaged ones in place', async () => {
    await setUp([0x10, 0x20, 0x30, 0x40, 0x50], [0x1, 0x11, 0x21]);
    const damaged = path.join(dataDir, 'version-2', 'snapshot.50');
    const bytes = await fs.readFile(damaged);
    bytes[17]! ^= 0xff;
    await fs.writeFile(damaged, bytes);
    await purgeOldFiles({ dataDir, dataLogDir, snapRetainCount: 3 });
    expect(await names(dataDir)).toEqual(['snapshot.20', 'snapshot.30', 'snapshot.40', 'snapshot.50']);
    expect(await names(dataLogDir)).toEqual(['log.11', 'log.21']);
  });

  it('deletes nothing when there is no valid snapshot', async () => {
    await setUp([], [0x1, 0x2]);
    expect(await purgeOldFiles({ dataDir, dataLogDir, snapRetainCount: 3 })).toEqual({ snapshots: [], logs: [] });
    expect(await names(dataLogDir)).toEqual(['log.1', 'log.2']);
  });

  it('keeps every log when all of them start after the oldest kept snapshot', async () => {
    await setUp([0x0, 0x10, 0x20, 0x30], [0x1, 0x11]);
    const result = await purgeOldFiles({ dataDir, dataLogDir, snapRetainCount: 3 });
    expect(result.logs).toEqual([]);
    expect(await names(dataDir)).toEqual(['snapshot.10', 'snapshot.20', 'snapshot.30']);
  });

  it('works when logs and snapshots share one directory', async () => {
    await setUp([0x10, 0x20, 0x30, 0x40], [0x1, 0x12, 0x22], dataDir);
    await purgeOldFiles({ dataDir, dataLogDir: dataDir, snapRetainCount: 3 });
    expect(await names(dataDir)).toEqual(['log.12', 'log.22', 'snapshot.20', 'snapshot.30', 'snapshot.40']);
  });
});
