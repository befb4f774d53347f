// Snapshots of the server state in ZooKeeper's on-disk format (version-2/snapshot.<hex zxid>), written atomically
// and verified on load so that recovery can fall back to an older snapshot when the newest one is damaged.
//
// File layout (big-endian): header {int magic "ZKSN", int version 2, long dbid -1}, the caller's body, the seal
// {long adler32, ustring "/"}, then optional trailer sections each followed by a seal of its own (ZooKeeper 3.6+
// writes its digest that way). As in ZooKeeper, each checksum runs over every byte before it, header included, so
// a file verifies as a whole through its last seal; snapshotTrailer.ts checks the inner ones.

import * as fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { adler32 } from './adler32.js';
import { sealBytes } from './snapshotTrailer.js';
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
  /** The bytes between the header and the last seal. */
  body: Buffer;
  /** Adler-32 of header and body (what the last seal holds), for checking seals inside the body. */
  checksum: number;
}

/** `offset` is where in the file the problem is. */
export type SnapshotCheck = { ok: true; bodyBytes: number } | { ok: false; reason: string; offset: number };

export type SnapshotRead = ({ ok: true } & LoadedSnapshot) | { ok: false; reason: string; offset: number };

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
  { ok: true; bodyBytes: number; body?: Buffer; checksum: number } | { ok: false; reason: string; offset: number }
> {
  const size = (await handle.stat()).size;
  if (size < SNAP_HEADER_BYTES + SNAP_TRAILER_BYTES) return { ok: false, reason: `file too short (${size} bytes)`, offset: 0 };
  const header = Buffer.alloc(SNAP_HEADER_BYTES);
  await readFully(handle, header, 0, SNAP_HEADER_BYTES, 0);
  if (header.readInt32BE(0) !== SNAP_MAGIC) {
    return { ok: false, reason: `bad magic 0x${header.readUInt32BE(0).toString(16)} (want 0x${SNAP_MAGIC.toString(16)} "ZKSN")`, offset: 0 };
  }
  if (header.readInt32BE(4) !== SNAP_VERSION) {
    return { ok: false, reason: `unsupported snapshot version ${header.readInt32BE(4)} (want ${SNAP_VERSION})`, offset: 4 };
  }
  const trailer = Buffer.alloc(SNAP_TRAILER_BYTES);
  const trailerAt = size - SNAP_TRAILER_BYTES;
  if ((await readFully(handle, trailer, 0, SNAP_TRAILER_BYTES, trailerAt)) < SNAP_TRAILER_BYTES) {
    return { ok: false, reason: 'file shrank while being read', offset: trailerAt };
  }
  if (trailer.readInt32BE(8) !== 1 || trailer[12] !== 0x2f) {
    return { ok: false, reason: 'missing "/" seal at the end (incomplete file)', offset: trailerAt };
  }
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
    if (got < length) return { ok: false, reason: 'file shrank while being read', offset: SNAP_HEADER_BYTES + done };
    sum = adler32(target.subarray(at, at + length), sum);
    done += length;
  }
  if (BigInt(sum) !== stored) {
    return { ok: false, reason: `checksum mismatch (stored ${stored.toString(16)}, computed ${sum.toString(16)})`, offset: trailerAt };
  }
  return body ? { ok: true, bodyBytes, body, checksum: sum } : { ok: true, bodyBytes, checksum: sum };
}

/** Verifies one snapshot file without keeping its body. */
export async function verifySnapshotFile(file: string, chunkBytes = CHUNK_BYTES): Promise<SnapshotCheck> {
  let handle: FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    if (isNotFound(err)) return { ok: false, reason: 'file missing', offset: 0 };
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

  /**
   * Opens the snapshot directory, creating it if needed but changing nothing in it: recovery decides first whether
   * the directory is usable, then calls removeUnfinished().
   */
  static async open(dir: string, options: SnapshotStoreOptions): Promise<SnapshotStore> {
    await fs.mkdir(dir, { recursive: true });
    return new SnapshotStore(dir, options.logger, options.chunkBytes);
  }

  /** Removes temporaries left by a crash mid-write. */
  async removeUnfinished(): Promise<void> {
    let removed = false;
    for (const name of await fs.readdir(this.dir)) {
      if (name.startsWith('snapshot.') && name.endsWith(TMP_SUFFIX)) {
        await fs.rm(path.join(this.dir, name), { force: true });
        this.logger.info(`Removed unfinished snapshot ${name}`);
        removed = true;
      }
    }
    if (removed) await fsyncDir(this.dir);
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
  async writeSnapshot(
    zxid: bigint,
    body: Buffer | Iterable<Buffer> | AsyncIterable<Buffer>,
    trailerSections: () => Buffer[] = () => [],
  ): Promise<string> {
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

      // Each section after the body is sealed on its own, the seal's checksum covering everything before it.
      const tail: Buffer[] = [];
      const seal = () => {
        const bytes = sealBytes(sum);
        sum = adler32(bytes, sum);
        tail.push(bytes);
      };
      seal();
      for (const section of trailerSections()) {
        sum = adler32(section, sum);
        tail.push(section);
        seal();
      }
      await writeFully(handle, Buffer.concat(tail), position);
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

  /** Reads one snapshot file and checks its header, last seal and checksum. */
  async read(name: string): Promise<SnapshotRead> {
    const zxid = parseSnapshotFileName(name);
    if (zxid === undefined) return { ok: false, reason: 'not a snapshot file name', offset: 0 };
    let handle: FileHandle;
    try {
      handle = await fs.open(path.join(this.dir, name), 'r');
    } catch (err) {
      if (isNotFound(err)) return { ok: false, reason: 'file missing', offset: 0 };
      throw err;
    }
    try {
      const result = await checkSnapshot(handle, this.chunkBytes, (size) => Buffer.allocUnsafe(size));
      if (!result.ok) return result;
      return { ok: true, zxid, body: result.body!, checksum: result.checksum };
    } finally {
      await handle.close();
    }
  }

  /**
   * The newest snapshot that passes the file checks, with its body; damaged ones are skipped with a warning.
   * Null when none is valid. (Recovery uses read() to also judge the body and the log.)
   */
  async loadNewestValid(): Promise<LoadedSnapshot | null> {
    for (const { name } of await listSnapshotFiles(this.dir)) {
      const result = await this.read(name);
      if (result.ok) return { zxid: result.zxid, body: result.body, checksum: result.checksum };
      this.logger.warn(`Skipping invalid snapshot ${name}: ${result.reason}`);
    }
    return null;
  }
}
