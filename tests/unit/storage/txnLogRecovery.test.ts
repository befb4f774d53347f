import * as fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../node-core/log/logger.js';
import { createHash } from 'node:crypto';
import { DataDirError } from '../../../node-core/storage/dataDirError.js';
import { TxnLog } from '../../../node-core/storage/txnLog.js';
import { collect, logEntry, logHeader, makeTempDir, removeDir, txnPayload, z } from './fixtures.js';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await makeTempDir();
  dir = path.join(root, 'version-2');
  await fs.mkdir(dir);
});
afterEach(async () => {
  await removeDir(root);
});

/** Writes a log file by hand so damage can be placed at exact offsets; returns each entry's start offset. */
async function writeLogFile(first: number, last: number): Promise<{ file: string; offsets: number[]; size: number }> {
  const parts = [logHeader()];
  const offsets: number[] = [];
  let at = 16;
  for (let i = first; i <= last; i++) {
    const entry = logEntry(txnPayload(z(i)));
    offsets.push(at);
    parts.push(entry);
    at += entry.length;
  }
  const file = path.join(dir, `log.${z(first).toString(16)}`);
  await fs.writeFile(file, Buffer.concat(parts));
  return { file, offsets, size: at };
}

async function reopen(): Promise<{ log: TxnLog; warnings: string[]; zxids: bigint[] }> {
  const logger = createMemoryLogger('recovery');
  const log = await TxnLog.open(dir, { logger });
  const zxids = (await collect(log.read(0n))).map((e) => e.zxid);
  return { log, warnings: logger.lines.filter((l) => l.includes(' WARN ')), zxids };
}

/** Name and SHA-256 of every file, to show that a refused open changed nothing. */
async function fingerprint(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await fs.readdir(dir)).sort()) {
    out[name] = createHash('sha256').update(await fs.readFile(path.join(dir, name))).digest('hex');
  }
  return out;
}

/** Opening must fail with one DataDirError naming file and offset, leaving every byte as it was. */
async function expectRefused(file: string, offset: number, problem: RegExp): Promise<void> {
  const before = await fingerprint();
  const error = await TxnLog.open(dir, { logger: createMemoryLogger('recovery') }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DataDirError);
  const refusal = error as DataDirError;
  expect(refusal.file).toBe(path.join(dir, file));
  expect(refusal.offset).toBe(offset);
  expect(refusal.problem).toMatch(problem);
  expect(refusal.message).toMatch(/; refusing to start$/);
  expect(refusal.message).not.toContain('\n');
  expect(await fingerprint()).toEqual(before);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => z(from + i));

describe('TxnLog recovery on open', () => {
  it('cuts a torn last entry, keeps every earlier one and reports the offset once', async () => {
    const { file, offsets } = await writeLogFile(1, 10);
    const lastStart = offsets[9]!;
    await fs.truncate(file, lastStart + 20);

    const { log, warnings, zxids } = await reopen();
    expect(zxids).toEqual(range(1, 9));
    expect(log.lastZxid()).toBe(z(9));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      `Truncated torn/corrupt log tail of log.100000001 at offset ${lastStart} after zxid 0x100000009`,
    );
    expect(warnings[0]).toContain('torn write');
    expect((await fs.stat(file)).size).toBe(lastStart);

    // The repaired file accepts the entry again, and a second open finds nothing to repair.
    await log.append(txnPayload(z(10)));
    await log.close();
    const second = await reopen();
    expect(second.zxids).toEqual(range(1, 10));
    expect(second.warnings).toEqual([]);
    await second.log.close();
  });

  it('cuts a torn entry header (fewer than 12 bytes left)', async () => {
    const { file, offsets } = await writeLogFile(1, 3);
    await fs.truncate(file, offsets[2]! + 5);
    const { log, warnings, zxids } = await reopen();
    expect(zxids).toEqual(range(1, 2));
    expect(warnings[0]).toContain(`at offset ${offsets[2]}`);
    await log.close();
  });

  it('cuts garbage appended after the last entry', async () => {
    const { file, size } = await writeLogFile(1, 5);
    await fs.appendFile(file, Buffer.from('\x00\x00\x00\x00\x00\x00\x00\x07\x00\x00\x00\x03abcdefg-garbage', 'latin1'));
    const { log, warnings, zxids } = await reopen();
    expect(zxids).toEqual(range(1, 5));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`at offset ${size} after zxid 0x100000005`);
    expect((await fs.stat(file)).size).toBe(size);
    await log.close();
  });

  it('treats an absurd length as damage rather than trying to read it', async () => {
    const { file, size } = await writeLogFile(1, 2);
    const junk = Buffer.alloc(12);
    junk.writeInt32BE(0x7fffffff, 8);
    await fs.appendFile(file, junk);
    const { log, warnings, zxids } = await reopen();
    expect(zxids).toEqual(range(1, 2));
    expect(warnings[0]).toContain(`at offset ${size}`);
    expect(warnings[0]).toContain('bad entry length 2147483647');
    await log.close();
  });

  it('refuses a bit-flipped entry with valid entries after it, changing nothing', async () => {
    await writeLogFile(1, 5);
    const { file, offsets } = await writeLogFile(6, 10);
    const bytes = await fs.readFile(file);
    bytes[offsets[2]! + 12 + 35]! ^= 0x01; // inside entry 8's payload body
    await fs.writeFile(file, bytes);
    await expectRefused('log.100000006', offsets[2]!, /checksum mismatch, with valid entries after it/);
  });

  it('drops an entry whose end-of-record marker is missing', async () => {
    const { file, offsets, size } = await writeLogFile(1, 4);
    const bytes = await fs.readFile(file);
    bytes[size - 1] = 0x00;
    await fs.writeFile(file, bytes);
    const { log, warnings, zxids } = await reopen();
    expect(zxids).toEqual(range(1, 3));
    expect(warnings[0]).toContain(`at offset ${offsets[3]}`);
    expect(warnings[0]).toContain('end-of-record');
    await log.close();
  });

  it('refuses damage in an older file, keeping the later files and every byte', async () => {
    await writeLogFile(1, 5);
    const middle = await writeLogFile(6, 10);
    await writeLogFile(11, 15);
    const bytes = await fs.readFile(middle.file);
    bytes[middle.offsets[1]! + 3] ^= 0xff; // entry 7's stored checksum
    await fs.writeFile(middle.file, bytes);
    await expectRefused('log.100000006', middle.offsets[1]!, /checksum mismatch in an older log file/);
  });

  it('removes a file whose first entry is damaged', async () => {
    await writeLogFile(1, 3);
    const second = await writeLogFile(4, 6);
    await fs.truncate(second.file, 16 + 4);
    const { log, warnings, zxids } = await reopen();
    expect(zxids).toEqual(range(1, 3));
    expect(await fs.readdir(dir)).toEqual(['log.100000001']);
    expect(warnings[0]).toContain('log.100000004 at offset 16 after zxid 0x100000003');
    await log.close();
  });

  it('refuses a zxid that does not increase', async () => {
    const parts = [logHeader(), logEntry(txnPayload(z(1))), logEntry(txnPayload(z(2)))];
    const goodSize = parts.reduce((n, p) => n + p.length, 0);
    parts.push(logEntry(txnPayload(z(2))), logEntry(txnPayload(z(3))));
    await fs.writeFile(path.join(dir, 'log.100000001'), Buffer.concat(parts));
    await expectRefused('log.100000001', goodSize, /not greater/);
  });

  it('refuses a file of an unknown format or version', async () => {
    await writeLogFile(1, 2);
    const bad = Buffer.concat([Buffer.from('ZKSN'), logHeader().subarray(4), logEntry(txnPayload(z(3)))]);
    await fs.writeFile(path.join(dir, 'log.100000003'), bad);
    await expectRefused('log.100000003', 0, /bad magic/);
    const future = Buffer.concat([logHeader(), logEntry(txnPayload(z(3)))]);
    future.writeInt32BE(3, 4);
    await fs.writeFile(path.join(dir, 'log.100000003'), future);
    await expectRefused('log.100000003', 4, /unsupported log version 3/);
  });

  it('accepts empty and header-only files without warning, removing them', async () => {
    await writeLogFile(1, 3);
    await fs.writeFile(path.join(dir, 'log.100000004'), logHeader());
    await fs.writeFile(path.join(dir, 'log.100000009'), Buffer.alloc(0));
    const { log, warnings, zxids } = await reopen();
    expect(warnings).toEqual([]);
    expect(zxids).toEqual(range(1, 3));
    expect(await fs.readdir(dir)).toEqual(['log.100000001']);
    await log.append(txnPayload(z(4)));
    await log.close();
  });

  it('treats a zero-filled tail as ZooKeeper preallocation, not damage, and keeps later files', async () => {
    const first = await writeLogFile(1, 3);
    await fs.appendFile(first.file, Buffer.alloc(4096));
    await writeLogFile(4, 6);
    const { log, warnings, zxids } = await reopen();
    expect(warnings).toEqual([]);
    expect(zxids).toEqual(range(1, 6));
    // left as ZooKeeper left it: the padding is unused space, not something to repair
    expect((await fs.stat(first.file)).size).toBe(first.size + 4096);
    await log.close();
  });

  it('appends into the zero padding of a preallocated newest file and reads it all back', async () => {
    const only = await writeLogFile(1, 3);
    await fs.appendFile(only.file, Buffer.alloc(64 * 1024));
    const first = await reopen();
    await first.log.append(txnPayload(z(4)));
    await first.log.close();
    const second = await reopen();
    expect(second.zxids).toEqual(range(1, 4));
    expect(second.warnings).toEqual([]);
    await second.log.close();
  });

  it('ignores files that are not log files', async () => {
    await writeLogFile(1, 2);
    await fs.writeFile(path.join(dir, 'acceptedEpoch'), '1');
    await fs.writeFile(path.join(dir, 'log.xyz'), 'junk');
    const { log, warnings, zxids } = await reopen();
    expect(warnings).toEqual([]);
    expect(zxids).toEqual(range(1, 2));
    await log.close();
  });
});

describe('TxnLog open after a snapshot', () => {
  it('does not scan files the snapshot covers, so old damage there cannot cost the newer files', async () => {
    const old = await writeLogFile(1, 10);
    await writeLogFile(11, 20);
    // A flipped byte inside an entry of the old file: scanned, it would cut the log there and drop log.b.
    const bytes = await fs.readFile(old.file);
    bytes[old.offsets[4]! + 14]! ^= 0xff;
    await fs.writeFile(old.file, bytes);

    const logger = createMemoryLogger('recovery');
    const log = await TxnLog.open(dir, { logger, coveredUpTo: z(12) });
    expect(logger.lines.filter((l) => l.includes(' WARN '))).toEqual([]);
    expect((await collect(log.read(z(12)))).map((e) => e.zxid)).toEqual(range(13, 20));
    expect(log.lastZxid()).toBe(z(20));
    await log.append(txnPayload(z(21)));
    await log.close();

    // Without a snapshot to start from, the same damage is found, and the log refused rather than cut.
    await expectRefused('log.100000001', old.offsets[4]!, /checksum mismatch in an older log file/);
  });

  it('scans the file that holds the snapshot zxid and everything after it', async () => {
    await writeLogFile(1, 10);
    const newer = await writeLogFile(11, 20);
    await fs.truncate(newer.file, newer.offsets[9]! + 3);
    const logger = createMemoryLogger('recovery');
    const log = await TxnLog.open(dir, { logger, coveredUpTo: z(12) });
    expect(logger.lines.filter((l) => l.includes(' WARN '))).toHaveLength(1);
    expect(log.lastZxid()).toBe(z(19));
    await log.close();
  });
});
