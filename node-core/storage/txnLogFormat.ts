// ZooKeeper's transaction log file format, shared by the writer (txnLog.ts) and the scanner (txnLogScan.ts): header
// {int magic "ZKLG", int version 2, long dbid 0}, then entries {long adler32(payload), int length, payload, byte 0x42}.
import { adler32 } from './adler32.js';
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


/** Entries ready to write in one go, with the file header first when they start a new file. */
export function encodeLogEntries(payloads: readonly Buffer[], withHeader: boolean): Buffer {
  let entryBytes = 0;
  for (const payload of payloads) entryBytes += payload.length + ENTRY_OVERHEAD_BYTES;
  const buffer = Buffer.allocUnsafe(entryBytes + (withHeader ? LOG_HEADER_BYTES : 0));
  let at = 0;
  if (withHeader) {
    buffer.writeInt32BE(TXNLOG_MAGIC, 0);
    buffer.writeInt32BE(TXNLOG_VERSION, 4);
    buffer.writeBigInt64BE(TXNLOG_DBID, 8);
    at = LOG_HEADER_BYTES;
  }
  for (const payload of payloads) {
    // Checksum the copy, not the caller's buffer, so what is on disk is exactly what was checksummed.
    const length = payload.length;
    payload.copy(buffer, at + 12);
    buffer.writeBigUInt64BE(BigInt(adler32(buffer.subarray(at + 12, at + 12 + length))), at);
    buffer.writeInt32BE(length, at + 8);
    buffer[at + 12 + length] = END_OF_RECORD;
    at += length + ENTRY_OVERHEAD_BYTES;
  }
  return buffer;
}
