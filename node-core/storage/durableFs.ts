// Small file-system helpers that the storage modules share to make writes survive a crash:
// fsync of directories, complete positional writes, and atomic replace-by-rename.

import * as fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';

export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

export function isNotFound(err: unknown): boolean {
  return errorCode(err) === 'ENOENT';
}

/**
 * Flushes a directory so that file creations, renames and deletions inside it survive a power loss.
 * Windows cannot open directories for syncing (and its file system journals the metadata anyway), so the
 * errors that platform raises are ignored; any other error is real and propagates.
 */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (err) {
    const code = errorCode(err);
    if (code === 'EISDIR' || code === 'EPERM' || code === 'EACCES' || code === 'EINVAL' || code === 'ENOTSUP') {
      return;
    }
    throw err;
  } finally {
    await handle?.close();
  }
}

/** FileHandle.write may write fewer bytes than asked (disk full part-way, signals); loop until all are down. */
export async function writeFully(handle: FileHandle, data: Uint8Array, position: number): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, position + offset);
    if (bytesWritten <= 0) throw new Error(`write made no progress at position ${position + offset}`);
    offset += bytesWritten;
  }
}

/** Reads exactly `length` bytes unless the file ends first; returns how many bytes were read. */
export async function readFully(
  handle: FileHandle,
  into: Buffer,
  intoOffset: number,
  length: number,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(into, intoOffset + done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/**
 * Replaces `file` with `data` so that a crash leaves either the old or the new content, never a mix:
 * write a sibling temporary, fsync it, rename over the target, fsync the directory.
 */
export async function atomicWriteFile(file: string, data: Uint8Array): Promise<void> {
  const tmp = `${file}.tmp`;
  const handle = await fs.open(tmp, 'w');
  try {
    await writeFully(handle, data, 0);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(tmp, file);
  await fsyncDir(path.dirname(file));
}

/**
 * Files in `dir` whose names `parse` turns into a zxid (log.<hex>, snapshot.<hex>), oldest first; a missing
 * directory has none.
 */
export async function listZxidFiles(dir: string, parse: (name: string) => bigint | undefined): Promise<{ name: string; zxid: bigint }[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const files: { name: string; zxid: bigint }[] = [];
  for (const name of names) {
    const zxid = parse(name);
    if (zxid !== undefined) files.push({ name, zxid });
  }
  return files.sort((x, y) => (x.zxid < y.zxid ? -1 : x.zxid > y.zxid ? 1 : 0));
}
