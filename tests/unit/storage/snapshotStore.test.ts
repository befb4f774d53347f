import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../../node-core/log/logger.js';
import { adler32 } from '../../../node-core/storage/adler32.js';
import { SnapshotStore, verifySnapshotFile } from '../../../node-core/storage/snapshotStore.js';
import { makeTempDir, removeDir } from './fixtures.js';

let root: string;
let dir: string;

beforeEach(async () => {
  root = await makeTempDir();
  dir = path.join(root, 'version-2');
});
afterEach(async () => {
  await removeDir(root);
});

async function openStore(chunkBytes?: number) {
  const logger = createMemoryLogger('snap');
  const store = await SnapshotStore.open(dir, { logger, chunkBytes });
  return { store, logger };
}

describe('SnapshotStore', () => {
  it("writes ZooKeeper's layout: header, body, Adler32 of all preceding bytes, then the \"/\" seal", async () => {
    const { store } = await openStore();
    const body = Buffer.from('tree-and-sessions');
    const file = await store.writeSnapshot(0x200000005n, body);
    expect(path.basename(file)).toBe('snapshot.200000005');
    const bytes = await fs.readFile(file);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('ZKSN');
    expect(bytes.readInt32BE(4)).toBe(2);
    expect(bytes.readBigInt64BE(8)).toBe(-1n);
    expect(bytes.subarray(16, 16 + body.length)).toEqual(body);
    const sealAt = 16 + body.length;
    expect(bytes.length).toBe(sealAt + 13);
    expect(bytes.readBigUInt64BE(sealAt)).toBe(BigInt(adler32(bytes.subarray(0, sealAt))));
    expect(bytes.readInt32BE(sealAt + 8)).toBe(1);
    expect(bytes.toString('latin1', sealAt + 12)).toBe('/');
  });

  it('round-trips a body given as one buffer or as many small streamed pieces', async () => {
    const { store } = await openStore(1000);
    const big = randomBytes(25_000);
    await store.writeSnapshot(0x10n, big);
    const pieces = Array.from({ length: 300 }, (_, i) => randomBytes((i * 37) % 250));
    async function* stream() {
      for (const piece of pieces) yield piece;
    }
    await store.writeSnapshot(0x20n, stream());
    await store.writeSnapshot(0x18n, Buffer.alloc(0));
    expect(await store.list()).toEqual([0x20n, 0x18n, 0x10n]);

    const loaded = await store.loadNewestValid();
    expect(loaded?.zxid).toBe(0x20n);
    expect(loaded?.body).toEqual(Buffer.concat(pieces));
    expect(await store.verify(0x10n)).toMatchObject({ ok: true, bodyBytes: 25_000 });
    expect(await store.verify(0x18n)).toMatchObject({ ok: true, bodyBytes: 0 });
    expect(await fs.readdir(dir)).not.toContain('snapshot.20.tmp');
  });

  it('falls back to the previous snapshot when the newest has a flipped body byte', async () => {
    const { store, logger } = await openStore(64);
    await store.writeSnapshot(0x100n, Buffer.from('older state'));
    const file = await store.writeSnapshot(0x200n, randomBytes(500));
    const bytes = await fs.readFile(file);
    bytes[16 + 250]! ^= 0x10;
    await fs.writeFile(file, bytes);

    const loaded = await store.loadNewestValid();
    expect(loaded).toMatchObject({ zxid: 0x100n, body: Buffer.from('older state') });
    const warnings = logger.lines.filter((l) => l.includes(' WARN '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('snapshot.200');
    expect(warnings[0]).toContain('checksum mismatch');
  });

  it('falls back past truncated, empty and foreign-magic snapshots', async () => {
    const { store, logger } = await openStore();
    await store.writeSnapshot(0x1n, Buffer.from('good'));
    const truncated = await store.writeSnapshot(0x2n, randomBytes(1000));
    await fs.truncate(truncated, 600);
    await fs.writeFile(path.join(dir, 'snapshot.3'), Buffer.alloc(0));
    const foreign = await store.writeSnapshot(0x4n, Buffer.from('x'));
    const bytes = await fs.readFile(foreign);
    bytes.write('ZKLG', 0, 'latin1');
    await fs.writeFile(foreign, bytes);

    expect(await store.loadNewestValid()).toMatchObject({ zxid: 0x1n, body: Buffer.from('good') });
    const warnings = logger.lines.filter((l) => l.includes(' WARN '));
    expect(warnings.map((w) => /snapshot\.\d/.exec(w)?.[0])).toEqual(['snapshot.4', 'snapshot.3', 'snapshot.2']);
    expect(warnings[0]).toContain('bad magic');
    expect(warnings[1]).toContain('too short');
    expect(warnings[2]).toContain('seal');
  });

  it('returns null when no snapshot is valid or none exists', async () => {
    const { store } = await openStore();
    expect(await store.loadNewestValid()).toBeNull();
    const file = await store.writeSnapshot(0x5n, Buffer.from('abc'));
    const bytes = await fs.readFile(file);
    bytes[bytes.length - 14]! ^= 1; // last body byte
    await fs.writeFile(file, bytes);
    expect(await store.loadNewestValid()).toBeNull();
    expect(await verifySnapshotFile(file)).toMatchObject({ ok: false, offset: bytes.length - 13 });
    expect(((await verifySnapshotFile(file)) as { reason: string }).reason).toMatch(/^checksum mismatch/);
  });

  it('removes temporaries a crash left behind when asked, and nothing else; opening changes nothing', async () => {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(path.join(dir, 'snapshot.7.tmp'), 'half written');
    await fs.writeFile(path.join(dir, 'log.1'), 'not mine');
    const { store } = await openStore();
    expect((await fs.readdir(dir)).sort()).toEqual(['log.1', 'snapshot.7.tmp']);
    await store.removeUnfinished();
    expect((await fs.readdir(dir)).sort()).toEqual(['log.1']);
    expect(await store.list()).toEqual([]);
  });

  it('seals each trailer section on its own, every seal covering all bytes before it', async () => {
    const { store } = await openStore();
    const body = Buffer.from('tree');
    const section = Buffer.from('digest-section-bytes');
    const bytes = await fs.readFile(await store.writeSnapshot(0x3n, body, () => [section]));
    const firstSeal = 16 + body.length;
    expect(bytes.readBigUInt64BE(firstSeal)).toBe(BigInt(adler32(bytes.subarray(0, firstSeal))));
    const secondSeal = firstSeal + 13 + section.length;
    expect(bytes.subarray(firstSeal + 13, secondSeal)).toEqual(section);
    expect(bytes.readBigUInt64BE(secondSeal)).toBe(BigInt(adler32(bytes.subarray(0, secondSeal))));
    expect(bytes.length).toBe(secondSeal + 13);
  });

  it('leaves neither a temporary nor a final file when the body stream fails', async () => {
    const { store } = await openStore();
    async function* failing() {
      yield Buffer.from('start');
      throw new Error('serializer broke');
    }
    await expect(store.writeSnapshot(0x9n, failing())).rejects.toThrow('serializer broke');
    expect(await fs.readdir(dir)).toEqual([]);
  });
});
