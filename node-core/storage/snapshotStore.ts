// Snapshots of the server state in ZooKeeper's on-disk format (version-2/snapshot.<hex zxid>), written atomically
// and verified on load so that recovery can fall back to an older snapshot when the newest one is damaged.
//
// File layout (big-endian): header {int magic "ZKSN", int version 2, long dbid -1}, the caller's opaque body, then
// the seal {long adler32, ustring "/"}. As in ZooKeeper, the checksum runs over every byte before it, header
// included, which also lets a ZooKeeper 3.6+ snapshot (a second seal after its digest) verify as a whole.

import * as fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { adler32 } from './adler32.js';
import { fsyncDir, isNotFound, listZxidFiles, readFully, writeFully } from './durableFs.js';

export const SNAP_MAGIC = 0x5a4b534e; // "ZKSN"
export const SNAP_VERSION = 2;
/** ZooKeeper's FileSnap writes dbid -1 (its log writes 0); readers ignore the value. */
export const SNAP_DBID = -1n;
export const SNAP_HEADER_BYTES = 16;
/** long checksum + int 1 + '/' */
export const SNAP_TRAILER_BYTES = 13;
const CHUNK_BYTES = 1024 * 1024;
const TMP_SUFFIX = '.tmp';

export interface SnapshotStoreOptions {
  logger: Logger;
  /** Size of each write/read while streaming a snapshot; keeps each event-loop turn short. */
  chunkBytes?: number;
}

export interface LoadedSnapshot {
  zxid: bigint;
  body: Buffer;
}

export type SnapshotCheck = { ok: true; bodyBytes: number } | { ok: false; reason: string };

export function snapshotFileName(zxid: bigint): string {
  return 'snapshot.' + zxid.toString(16);
}

export function parseSnapshotFileName(name: string): bigint | undefined {
  const match = /^snapshot\.([0-9a-fA-F]{1,16})$/.exec(name);
  return match ? BigInt('0x' + match[1]) : undefined;
}

/** Snapshot files in a directory, newest first. */
export async function listSnapshotFiles(dir: string): Promise<{ name: string; zxid: bigint }[]> {
  return (await listZxidFiles(dir, parseSnapshotFileName)).reverse();
}

/**
 * Checks a snapshot file's header, seal and checksum, streaming it so a large file never blocks the event loop
 * for long. When `into` is given the body is read into it (it must be exactly the body's size).
 */
async function checkSnapshot(handle: FileHandle, chunkBytes: number, into?: (size: number) => Buffer): Promise<
  { ok: true; bodyBytes: number; body?: Buffer } | { ok: false; reason: string }
> {
  const size = (await handle.stat()).size;
  if (size < SNAP_HEADER_BYTES + SNAP_TRAILER_BYTES) return { ok: false, reason: `file too short (${size} bytes)` };
  const header = Buffer.alloc(SNAP_HEADER_BYTES);
  await readFully(handle, header, 0, SNAP_HEADER_BYTES, 0);
  if (header.readInt32BE(0) !== SNAP_MAGIC) return { ok: false, reason: 'bad magic' };
  if (header.readInt32BE(4) !== SNAP_VERSION) {
    return { ok: false, reason: `unsupported version ${header.readInt32BE(4)}` };
  }
  const trailer = Buffer.alloc(SNAP_TRAILER_BYTES);
  const trailerAt = size - SNAP_TRAILER_BYTES;
  if ((await readFully(handle, trailer, 0, SNAP_TRAILER_BYTES, trailerAt)) < SNAP_TRAILER_BYTES) {
    return { ok: false, reason: 'file shrank while being read' };
  }
  if (trailer.readInt32BE(8) !== 1 || trailer[12] !== 0x2f) return { ok: false, reason: 'missing "/" seal' };
  const stored = trailer.readBigUInt64BE(0);

  const bodyBytes = trailerAt - SNAP_HEADER_BYTES;
  const body = into?.(bodyBytes);
  const scratch = body ? undefined : Buffer.allocUnsafe(Math.min(chunkBytes, Math.max(1, bodyBytes)));
  let sum = adler32(header);
  for (let done = 0; done < bodyBytes; ) {
    const length = Math.min(chunkBytes, bodyBytes - done);
    const target = body ?? scratch!;
    const at = body ? done : 0;
    const got = await readFully(handle, target, at, length, SNAP_HEADER_BYTES + done);
    if (got < length) return { ok: false, reason: 'file shrank while being read' };
    sum = adler32(target.subarray(at, at + length), sum);
    done += length;
  }
  if (BigInt(sum) !== stored) return { ok: false, reason: 'checksum mismatch' };
  return body ? { ok: true, bodyBytes, body } : { ok: true, bodyBytes };
}

/** Verifies one snapshot file without keeping its body. */
export async function verifySnapshotFile(file: string, chunkBytes = CHUNK_BYTES): Promise<SnapshotCheck> {
  let handle: FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    if (isNotFound(err)) return { ok: false, reason: 'file missing' };
    throw err;
  }
  try {
    const result = await checkSnapshot(handle, chunkBytes);
    return result.ok ? { ok: true, bodyBytes: result.bodyBytes } : result;
  } finally {
    await handle.close();
  }
}

async function* bodyChunks(body: Buffer | Iterable<Buffer> | AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(body)) yield body;
  else yield* body;
}

export class SnapshotStore {
  private readonly chunkBytes: number;

  private constructor(
    readonly dir: string,
    private readonly logger: Logger,
    chunkBytes: number | undefined,
  ) {
    this.chunkBytes = chunkBytes ?? CHUNK_BYTES;
  }

  /** Opens (creating if needed) the snapshot directory and removes temporaries left by a crash mid-write. */
  static async open(dir: string, options: SnapshotStoreOptions): Promise<SnapshotStore> {
    await fs.mkdir(dir, { recursive: true });
    let removed = false;
    for (const name of await fs.readdir(dir)) {
      if (name.startsWith('snapshot.') && name.endsWith(TMP_SUFFIX)) {
        await fs.rm(path.join(dir, name), { force: true });
        options.logger.info(`Removed unfinished snapshot ${name}`);
        removed = true;
      }
    }
    if (removed) await fsyncDir(dir);
    return new SnapshotStore(dir, options.logger, options.chunkBytes);
  }

  /** Zxids of the snapshots present (valid or not), newest first. */
  async list(): Promise<bigint[]> {
    return (await listSnapshotFiles(this.dir)).map((f) => f.zxid);
  }

  pathOf(zxid: bigint): string {
    return path.join(this.dir, snapshotFileName(zxid));
  }

  /**
   * Writes snapshot.<zxid> atomically: a temporary is written in chunks and fsynced, renamed into place, and the
   * directory fsynced, so a crash leaves either no snapshot or a complete one. Small body pieces are coalesced
   * so a serializer may yield records one by one; a yielded Buffer must not be modified afterwards, since it may
   * be held until the next chunk is written. Resolves to the final path.
   */
  async writeSnapshot(zxid: bigint, body: Buffer | Iterable<Buffer> | AsyncIterable<Buffer>): Promise<string> {
    const finalPath = this.pathOf(zxid);
    const tmpPath = finalPath + TMP_SUFFIX;
    const handle = await fs.open(tmpPath, 'w');
    let closed = false;
    try {
      const header = Buffer.alloc(SNAP_HEADER_BYTES);
      header.writeInt32BE(SNAP_MAGIC, 0);
      header.writeInt32BE(SNAP_VERSION, 4);
      header.writeBigInt64BE(SNAP_DBID, 8);
      let sum = adler32(header);
      let position = 0;
      await writeFully(handle, header, position);
      position += header.length;

      let pending: Buffer[] = [];
      let pendingBytes = 0;
      const flush = async (): Promise<void> => {
        if (pendingBytes === 0) return;
        const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
        pending = [];
        pendingBytes = 0;
        sum = adler32(data, sum);
        await writeFully(handle, data, position);
        position += data.length;
      };
      for await (const piece of bodyChunks(body)) {
        for (let at = 0; at < piece.length; ) {
          const take = Math.min(piece.length - at, this.chunkBytes - pendingBytes);
          pending.push(piece.subarray(at, at + take));
          pendingBytes += take;
          at += take;
          if (pendingBytes >= this.chunkBytes) await flush();
        }
      }
      await flush();

      const trailer = Buffer.alloc(SNAP_TRAILER_BYTES);
      trailer.writeBigUInt64BE(BigInt(sum), 0);
      trailer.writeInt32BE(1, 8);
      trailer[12] = 0x2f; // '/'
      await writeFully(handle, trailer, position);
      await handle.sync();
      await handle.close();
      closed = true;
      await fs.rename(tmpPath, finalPath);
      await fsyncDir(this.dir);
    } catch (err) {
      if (!closed) await handle.close().catch(() => undefined);
      await fs.rm(tmpPath, { force: true }).catch(() => undefined);
      throw err;
    }
    this.logger.info(`Wrote snapshot ${snapshotFileName(zxid)}`);
    return finalPath;
  }

  /** Checks one snapshot's header, seal and checksum. */
  async verify(zxid: bigint): Promise<SnapshotCheck> {
    return verifySnapshotFile(this.pathOf(zxid), this.chunkBytes);
  }

  /**
   * The newest snapshot that passes every check, with its body; damaged ones are skipped with a warning so that
   * recovery can proceed from an older snapshot plus the transaction log. Null when none is valid.
   */
  async loadNewestValid(): Promise<LoadedSnapshot | null> {
    for (const { name, zxid } of await listSnapshotFiles(this.dir)) {
      let handle: FileHandle;
      try {
        handle = await fs.open(path.join(this.dir, name), 'r');
      } catch (err) {
        if (isNotFound(err)) continue;
        throw err;
      }
      try {
        const result = await checkSnapshot(handle, this.chunkBytes, (size) => Buffer.allocUnsafe(size));
        if (result.ok) {
          this.logger.info(`Loaded snapshot ${name} (${result.bodyBytes} bytes)`);
          return { zxid, body: result.body! };
        }
        this.logger.warn(`Skipping invalid snapshot ${name}: ${result.reason}`);
      } finally {
        await handle.close();
      }
    }
    return null;
  }
}
