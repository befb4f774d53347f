// ZooKeeper's transaction log file format, shared by the writer (txnLog.ts) and the scanner (txnLogScan.ts): header
// {int magic "ZKLG", int version 2, long dbid 0}, then entries {long adler32(payload), int length, payload, byte 0x42}.
import { listZxidFiles } from './durableFs.js';

export const TXNLOG_MAGIC = 0x5a4b4c47; // "ZKLG"
export const TXNLOG_VERSION = 2;
export const TXNLOG_DBID = 0n;
export const LOG_HEADER_BYTES = 16;
/** Bytes an entry adds around its payload: checksum (8), length (4), end-of-record marker (1). */
export const ENTRY_OVERHEAD_BYTES = 13;
export const END_OF_RECORD = 0x42; // 'B'
const TXN_HEADER_ZXID_OFFSET = 12;
export const MIN_PAYLOAD_BYTES = TXN_HEADER_ZXID_OFFSET + 8;
const LOG_PREFIX = 'log.';

/** The zxid of a transaction payload: the big-endian long at offset 12 of its leading TxnHeader. */
export function zxidOfPayload(payload: Uint8Array): bigint {
  if (payload.length < MIN_PAYLOAD_BYTES) {
    throw new RangeError(`payload of ${payload.length} bytes is too short to hold a TxnHeader zxid`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  return view.getBigInt64(TXN_HEADER_ZXID_OFFSET, false);
}

export function logFileName(zxid: bigint): string {
  return LOG_PREFIX + zxid.toString(16);
}

/** The start zxid encoded in a log file name, or undefined if the name is not a log file's. */
export function parseLogFileName(name: string): bigint | undefined {
  const match = /^log\.([0-9a-fA-F]{1,16})$/.exec(name);
  return match ? BigInt('0x' + match[1]) : undefined;
}

export function hexZxid(zxid: bigint): string {
  return '0x' + zxid.toString(16);
}

/** Log files in a directory, oldest first. */
export async function listLogFiles(dir: string): Promise<{ name: string; startZxid: bigint }[]> {
  const files = await listZxidFiles(dir, parseLogFileName);
  return files.map(({ name, zxid }) => ({ name, startZxid: zxid }));
}

