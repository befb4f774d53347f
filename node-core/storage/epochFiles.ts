// The small decimal files a quorum member must never lose or half-write: acceptedEpoch and currentEpoch (in
// version-2, updated during ZAB discovery and sync) and myid (in dataDir, written by the operator).

import * as fs from 'node:fs/promises';
import path from 'node:path';
import { DataDirError } from './dataDirError.js';
import { atomicWriteFile, isNotFound } from './durableFs.js';

export const ACCEPTED_EPOCH_FILE = 'acceptedEpoch';
export const CURRENT_EPOCH_FILE = 'currentEpoch';
export const MYID_FILE = 'myid';

async function readDecimal(file: string): Promise<number | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  // ZooKeeper reads the first line and trims it; operators often leave a trailing newline in myid.
  const value = (text.split('\n')[0] ?? '').trim();
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    // A damaged epoch file must stop the server: guessing an epoch could let it vote for a stale history.
    throw new DataDirError(file, 0, `does not hold a non-negative integer: ${JSON.stringify(text.slice(0, 40))}`);
  }
  return Number(value);
}

/** The epoch stored in `dir/name`, or undefined when the file does not exist. */
export async function readEpochFile(dir: string, name: string): Promise<number | undefined> {
  return readDecimal(path.join(dir, name));
}

/** Stores an epoch as decimal text, atomically and durably (tmp file, fsync, rename, directory fsync). */
export async function writeEpochFile(dir: string, name: string, value: number): Promise<void> {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`epoch must be a non-negative integer: ${value}`);
  await fs.mkdir(dir, { recursive: true });
  await atomicWriteFile(path.join(dir, name), Buffer.from(String(value), 'utf8'));
}

/** The server id from `dataDir/myid`, or undefined when the file does not exist (standalone mode). */
export async function readMyid(dataDir: string): Promise<number | undefined> {
  return readDecimal(path.join(dataDir, MYID_FILE));
}
