import * as fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../node-core/log/logger.js';
import { TxnLog, TxnLogFailedError, zxidOfPayload } from '../../../node-core/storage/txnLog.js';
import { collect, logEntry, logHeader, makeTempDir, removeDir, txnPayload, z } from './fixtures.js';

let root: string;
let dir: string;
const logger = createMemoryLogger('txnlog');

beforeEach(async () => {
  root = await makeTempDir();
  dir = path.join(root, 'version-2');
});
afterEach(async () => {
  await removeDir(root);
});

async function openLog(options: { forceSync?: boolean; maxEntryBytes?: number } = {}): Promise<TxnLog> {
  return TxnLog.open(dir, { logger, ...options });
}

describe('zxidOfPayload', () => {
  it('reads the TxnHeader zxid at offset 12 and refuses payloads too short to hold it', () => {
    expect(zxidOfPayload(txnPayload(0x500000007n))).toBe(0x500000007n);
    expect(() => zxidOfPayload(Buffer.alloc(19))).toThrow(RangeError);
  });
});

describe('TxnLog append and read', () => {
  it('writes ZooKeeper-format bytes: header, checksummed entries, end-of-record', async () => {
    const log = await openLog();
    await log.append(txnPayload(z(1)));
    await log.close();
    const bytes = await fs.readFile(path.join(dir, 'log.100000001'));
    const payload = txnPayload(z(1));
    expect(bytes).toEqual(Buffer.concat([logHeader(), logEntry(payload)]));
  });

  it('round-trips across a roll and after reopening', async () => {
    const log = await openLog();
    expect(log.lastZxid()).toBe(0n);
    for (let i = 1; i <= 5; i++) await log.append(txnPayload(z(i)));
    log.roll();
    for (let i = 6; i <= 10; i++) await log.append(txnPayload(z(i)));
    expect(log.files()).toEqual(['log.100000001', 'log.100000006']);
    expect(log.lastZxid()).toBe(z(10));
    expect(log.oldestZxid()).toBe(z(1));

    const all = await collect(log.read(0n));
    expect(all.map((e) => e.zxid)).toEqual(Array.from({ length: 10 }, (_, i) => z(i + 1)));
    for (const entry of all) expect(entry.payload).toEqual(txnPayload(entry.zxid));
    expect((await collect(log.read(z(3)))).map((e) => e.zxid)).toEqual([4, 5, 6, 7, 8, 9, 10].map(z));
    expect((await collect(log.read(z(7)))).map((e) => e.zxid)).toEqual([8, 9, 10].map(z));
    expect(await collect(log.read(z(10)))).toEqual([]);
    await log.close();

    const reopened = await openLog();
    expect(reopened.lastZxid()).toBe(z(10));
    expect((await collect(reopened.read(0n))).map((e) => e.zxid)).toHaveLength(10);
    // A restart keeps appending to the newest file rather than scattering tiny files.
    await reopened.append(txnPayload(z(11)));
    expect(reopened.files()).toEqual(['log.100000001', 'log.100000006']);
    reopened.roll();
    reopened.roll();
    await reopened.append(txnPayload(z(12)));
    expect(reopened.files()).toEqual(['log.100000001', 'log.100000006', 'log.10000000c']);
    await reopened.close();
    const again = await openLog();
    expect((await collect(again.read(z(10)))).map((e) => e.zxid)).toEqual([z(11), z(12)]);
    await again.close();
  });

  it('a roll after restart starts a new file even with no appends before it', async () => {
    const log = await openLog();
    await log.append(txnPayload(z(1)));
    await log.close();
    const reopened = await openLog();
    reopened.roll();
    await reopened.append(txnPayload(z(2)));
    expect(reopened.files()).toEqual(['log.100000001', 'log.100000002']);
    await reopened.close();
  });

  it('group-commits 500 concurrent appends: durable, in order, with few fsyncs', async () => {
    const log = await openLog();
    const resolvedOrder: number[] = [];
    const appends = Array.from({ length: 500 }, (_, i) =>
      log.append(txnPayload(z(i + 1))).then(() => resolvedOrder.push(i + 1)),
    );
    await Promise.all(appends);
    expect(resolvedOrder).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    expect(log.stats.entries).toBe(500);
    expect(log.stats.fsyncs).toBeLessThan(10);
    expect(log.stats.batches).toBe(log.stats.fsyncs);
    await log.close();

    const reopened = await openLog();
    const zxids = (await collect(reopened.read(0n))).map((e) => e.zxid);
    expect(zxids).toEqual(Array.from({ length: 500 }, (_, i) => z(i + 1)));
    await reopened.close();
  });

  it('queues appends that arrive while an fsync is in flight into one following batch', async () => {
    const log = await openLog();
    const first = log.append(txnPayload(z(1)));
    // Let the first batch start its write before the rest arrive.
    await new Promise((resolve) => setImmediate(resolve));
    const rest = Array.from({ length: 100 }, (_, i) => log.append(txnPayload(z(i + 2))));
    await Promise.all([first, ...rest]);
    expect(log.stats.batches).toBe(2);
    expect(log.stats.fsyncs).toBe(2);
    await log.close();
  });

  it('skips fsync when forceSync is off', async () => {
    const log = await openLog({ forceSync: false });
    await Promise.all([1, 2, 3].map((i) => log.append(txnPayload(z(i)))));
    expect(log.stats.fsyncs).toBe(0);
    expect(log.stats.batches).toBeGreaterThan(0);
    await log.close();
  });

  it('refuses an out-of-order zxid or an oversized entry without failing the log', async () => {
    const log = await openLog({ maxEntryBytes: 1000 });
    await log.append(txnPayload(z(5)));
    await expect(log.append(txnPayload(z(5)))).rejects.toThrow(RangeError);
    await expect(log.append(txnPayload(z(4)))).rejects.toThrow(/not greater/);
    await expect(log.append(txnPayload(z(6), 'x'.repeat(2000)))).rejects.toThrow(/maxEntryBytes/);
    await expect(log.append(Buffer.alloc(10))).rejects.toThrow(RangeError);
    await log.append(txnPayload(z(6)));
    expect(log.isFailed()).toBe(false);
    expect((await collect(log.read(0n))).map((e) => e.zxid)).toEqual([z(5), z(6)]);
    await log.close();
  });

  it('after a disk error rejects the failing append and every later one until reopened', async () => {
    const log = await openLog();
    await log.append(txnPayload(z(1)));
    // Reach the private writer to make its next fsync fail as a dying disk would.
    const writer = (log as unknown as { writer: { handle: FileHandle } }).writer;
    const eio = Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
    writer.handle.datasync = () => Promise.reject(eio);

    const failing = log.append(txnPayload(z(2)));
    const queued = log.append(txnPayload(z(3)));
    await expect(failing).rejects.toBeInstanceOf(TxnLogFailedError);
    await expect(queued).rejects.toBeInstanceOf(TxnLogFailedError);
    await expect(log.append(txnPayload(z(4)))).rejects.toThrow(/refuses writes until reopened.*EIO/);
    await expect(log.truncateAfter(z(1))).rejects.toBeInstanceOf(TxnLogFailedError);
    expect(log.isFailed()).toBe(true);
    expect(logger.lines.some((l) => l.includes('ERROR') && l.includes('EIO'))).toBe(true);
    await log.close();

    // The written-but-unsynced entry may or may not be there; what was acknowledged must be.
    const reopened = await openLog();
    const zxids = (await collect(reopened.read(0n))).map((e) => e.zxid);
    expect(zxids[0]).toBe(z(1));
    await reopened.append(txnPayload(reopened.lastZxid() + 1n));
    await reopened.close();
  });

  it('rejects appends after close', async () => {
    const log = await openLog();
    const pending = log.append(txnPayload(z(1)));
    await log.close();
    await pending;
    await expect(log.append(txnPayload(z(2)))).rejects.toThrow(/closed/);
  });

  it('a reader follows entries that become durable while it iterates', async () => {
    const log = await openLog();
    for (let i = 1; i <= 3; i++) await log.append(txnPayload(z(i)));
    const seen: bigint[] = [];
    for await (const entry of log.read(0n)) {
      seen.push(entry.zxid);
      if (entry.zxid === z(2)) await log.append(txnPayload(z(4)));
    }
    expect(seen).toEqual([1, 2, 3, 4].map(z));
    await log.close();
  });

  it('skips a file that a purge removed underneath it', async () => {
    const log = await openLog();
    await log.append(txnPayload(z(1)));
    log.roll();
    await log.append(txnPayload(z(2)));
    await fs.unlink(path.join(dir, 'log.100000001'));
    expect((await collect(log.read(0n))).map((e) => e.zxid)).toEqual([z(2)]);
    expect(log.files()).toEqual(['log.100000002']);
    await log.close();
  });
});

describe('TxnLog.truncateAfter', () => {
  async function threeFiles(): Promise<TxnLog> {
    const log = await openLog();
    for (let i = 1; i <= 15; i++) {
      if (i === 6 || i === 11) log.roll();
      await log.append(txnPayload(z(i)));
    }
    expect(log.files()).toEqual(['log.100000001', 'log.100000006', 'log.10000000b']);
    return log;
  }

  it('cuts inside a file and deletes the files after it', async () => {
    const log = await threeFiles();
    await log.truncateAfter(z(7));
    expect(log.lastZxid()).toBe(z(7));
    expect(log.files()).toEqual(['log.100000001', 'log.100000006']);
    expect((await fs.readdir(dir)).sort()).toEqual(['log.100000001', 'log.100000006']);
    expect((await collect(log.read(0n))).map((e) => e.zxid)).toEqual([1, 2, 3, 4, 5, 6, 7].map(z));

    // The history diverged: a different txn 8 must replace the old one.
    await log.append(txnPayload(z(8), 'new history'));
    await log.close();
    const reopened = await openLog();
    const entries = await collect(reopened.read(z(7)));
    expect(entries.map((e) => e.zxid)).toEqual([z(8)]);
    expect(entries[0]!.payload).toEqual(txnPayload(z(8), 'new history'));
    await reopened.close();
  });

  it('at a file boundary deletes the later files whole, and to zero empties the log', async () => {
    const log = await threeFiles();
    await log.truncateAfter(z(5));
    expect(log.files()).toEqual(['log.100000001']);
    expect(log.lastZxid()).toBe(z(5));
    await log.truncateAfter(z(20));
    expect(log.lastZxid()).toBe(z(5));
    await log.truncateAfter(0n);
    expect(log.files()).toEqual([]);
    expect(log.lastZxid()).toBe(0n);
    expect(await fs.readdir(dir)).toEqual([]);
    await log.append(txnPayload(z(1), 'fresh'));
    expect(log.files()).toEqual(['log.100000001']);
    await log.close();
  });

  it('waits for appends issued before it, then truncates them', async () => {
    const log = await threeFiles();
    const late = log.append(txnPayload(z(16)));
    const truncation = log.truncateAfter(z(3));
    await late;
    await truncation;
    expect(log.lastZxid()).toBe(z(3));
    await log.close();
    const reopened = await openLog();
    expect((await collect(reopened.read(0n))).map((e) => e.zxid)).toEqual([1, 2, 3].map(z));
    await reopened.close();
  });

  it('makes a concurrent reader fail rather than return a mix of old and new history', async () => {
    const log = await threeFiles();
    const reader = log.read(0n);
    await reader.next();
    await log.truncateAfter(z(2));
    await expect(reader.next()).rejects.toThrow(/truncated while being read/);
    await log.close();
  });
});
