// Shared helpers for the storage tests: temp dirs, TxnHeader-shaped payloads and hand-built log bytes.

import * as fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { adler32 } from '../../../node-core/storage/adler32.js';

export async function makeTempDir(prefix = 'paddock-storage-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true });
}

/** A payload shaped like a serialized ZooKeeper txn: TxnHeader {clientId, cxid, zxid, time, type} + a body. */
export function txnPayload(zxid: bigint, body = `txn-${zxid.toString(16)}`): Buffer {
  const header = Buffer.alloc(32);
  header.writeBigInt64BE(0x1234n, 0);
  header.writeInt32BE(Number(zxid & 0xffffn), 8);
  header.writeBigInt64BE(zxid, 12);
  header.writeBigInt64BE(1_700_000_000_000n, 20);
  header.writeInt32BE(1, 28);
  return Buffer.concat([header, Buffer.from(body, 'utf8')]);
}

/** Epoch 1 zxids, as a leader in its first epoch would assign them. */
export function z(counter: number): bigint {
  return (1n << 32n) | BigInt(counter);
}

/** Log file header bytes, written independently of the module under test. */
export function logHeader(): Buffer {
  const header = Buffer.alloc(16);
  header.write('ZKLG', 0, 'latin1');
  header.writeInt32BE(2, 4);
  return header;
}

/** One log entry's bytes: checksum, length, payload, 'B'. */
export function logEntry(payload: Buffer): Buffer {
  const frame = Buffer.alloc(13 + payload.length);
  frame.writeBigUInt64BE(BigInt(adler32(payload)), 0);
  frame.writeInt32BE(payload.length, 8);
  payload.copy(frame, 12);
  frame[12 + payload.length] = 0x42;
  return frame;
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}
