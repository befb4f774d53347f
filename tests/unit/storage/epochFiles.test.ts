import * as fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCEPTED_EPOCH_FILE,
  CURRENT_EPOCH_FILE,
  readEpochFile,
  readMyid,
  writeEpochFile,
} from '../../../node-core/storage/epochFiles.js';
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

describe('epoch files', () => {
  it('round-trip as plain decimal text, with no temporary left behind', async () => {
    expect(await readEpochFile(dir, CURRENT_EPOCH_FILE)).toBeUndefined();
    await writeEpochFile(dir, ACCEPTED_EPOCH_FILE, 7);
    await writeEpochFile(dir, CURRENT_EPOCH_FILE, 6);
    await writeEpochFile(dir, ACCEPTED_EPOCH_FILE, 8);
    expect(await readEpochFile(dir, ACCEPTED_EPOCH_FILE)).toBe(8);
    expect(await readEpochFile(dir, CURRENT_EPOCH_FILE)).toBe(6);
    expect(await fs.readFile(path.join(dir, ACCEPTED_EPOCH_FILE), 'utf8')).toBe('8');
    expect((await fs.readdir(dir)).sort()).toEqual([ACCEPTED_EPOCH_FILE, CURRENT_EPOCH_FILE]);
  });

  it('reads files written by ZooKeeper or by hand, with a trailing newline', async () => {
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, CURRENT_EPOCH_FILE), '12\n');
    expect(await readEpochFile(dir, CURRENT_EPOCH_FILE)).toBe(12);
  });

  it('refuses damaged content instead of guessing an epoch', async () => {
    await fs.mkdir(dir);
    for (const text of ['', 'abc', '-1', '1.5', '99999999999999999999']) {
      await fs.writeFile(path.join(dir, CURRENT_EPOCH_FILE), text);
      await expect(readEpochFile(dir, CURRENT_EPOCH_FILE)).rejects.toThrow(/non-negative integer/);
    }
    await expect(writeEpochFile(dir, CURRENT_EPOCH_FILE, -1)).rejects.toThrow(RangeError);
    await expect(writeEpochFile(dir, CURRENT_EPOCH_FILE, 1.5)).rejects.toThrow(RangeError);
  });

  it('reads myid from the data dir', async () => {
    expect(await readMyid(root)).toBeUndefined();
    await fs.writeFile(path.join(root, 'myid'), ' 3\n');
    expect(await readMyid(root)).toBe(3);
    await fs.writeFile(path.join(root, 'myid'), 'three');
    await expect(readMyid(root)).rejects.toThrow(/myid/);
  });
});
