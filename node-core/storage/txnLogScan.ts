// Validates the transaction log files of a data dir without changing them, and says which repairs are safe: a torn
// tail of the newest file (a crash mid-write: the damaged entry is the last thing in the file) is cut, as ZooKeeper
// stops at it too. Any other damage (a bad entry with valid entries after it, damage in an older file, an unknown
// header, zxids out of order) could only be "repaired" by dropping committed history, so it throws DataDirError.
import * as fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { adler32 } from './adler32.js';
import { DataDirError } from './dataDirError.js';
import { fsyncDir, readFully } from './durableFs.js';
import {
  END_OF_RECORD,
  LOG_HEADER_BYTES,
  MIN_PAYLOAD_BYTES,
  TXNLOG_MAGIC,
  TXNLOG_VERSION,
  hexZxid,
  listLogFiles,
  zxidOfPayload,
} from './txnLogFormat.js';

const READ_CHUNK_BYTES = 1024 * 1024;

export interface ScannedSegment {
  name: string;
  path: string;
  startZxid: bigint;
  firstZxid: bigint | undefined;
  lastZxid: bigint | undefined;
  /** Bytes of valid entries (a zero-filled preallocated tail lies beyond). */
  size: number;
}

export type LogRepair =
  | { kind: 'truncate'; name: string; path: string; offset: number; message: string }
  | { kind: 'remove'; name: string; path: string; message: string; quiet: boolean };

export interface LogScan {
  /** The files as they will be once the repairs are applied, oldest first. */
  segments: ScannedSegment[];
  repairs: LogRepair[];
  lastZxid: bigint;
}

type ScanStep =
  | { kind: 'entry'; offset: number; end: number; zxid: bigint; payload: Buffer }
  | { kind: 'end'; offset: number }
  /** `end` is where the entry would end when its length is plausible and it fits in the file. */
  | { kind: 'invalid'; offset: number; reason: string; zeroLength: boolean; end?: number };

/**
 * Reads a log file sequentially through a large buffer so that scanning costs one read call per megabyte rather
 * than three per entry. `limit` is re-evaluated as the scan advances so a reader can follow a file that grows.
 */
export class EntryScanner {
  private chunk: Buffer = Buffer.alloc(0);
  private chunkStart = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly limit: () => number,
    private readonly maxEntryBytes: number,
  ) {}

  private async bytes(position: number, length: number): Promise<Buffer | undefined> {
    const chunkEnd = this.chunkStart + this.chunk.length;
    if (position >= this.chunkStart && position + length <= chunkEnd) {
      return this.chunk.subarray(position - this.chunkStart, position - this.chunkStart + length);
    }
    const available = this.limit() - position;
    if (available < length) return undefined;
    const want = Math.min(available, Math.max(length, READ_CHUNK_BYTES));
    // A fresh buffer each time: payloads handed out earlier are views into the previous chunk.
    const chunk = Buffer.allocUnsafe(want);
    const got = await readFully(this.handle, chunk, 0, want, position);
    this.chunk = chunk.subarray(0, got);
    this.chunkStart = position;
    if (got < length) return undefined;
    return this.chunk.subarray(0, length);
  }

  async next(offset: number): Promise<ScanStep> {
    if (offset >= this.limit()) return { kind: 'end', offset };
    const head = await this.bytes(offset, 12);
    if (!head) return { kind: 'invalid', offset, reason: 'incomplete entry header', zeroLength: false };
    const checksum = head.readBigUInt64BE(0);
    const length = head.readInt32BE(8);
    if (length <= 0 || length > this.maxEntryBytes) {
      return {
        kind: 'invalid',
        offset,
        reason: `bad entry length ${length}`,
        zeroLength: length === 0 && checksum === 0n,
      };
    }
    const end = offset + 12 + length + 1;
    const body = await this.bytes(offset + 12, length + 1);
    if (!body) return { kind: 'invalid', offset, reason: 'entry cut short (torn write)', zeroLength: false };
    const payload = body.subarray(0, length);
    if (BigInt(adler32(payload)) !== checksum) {
      return { kind: 'invalid', offset, reason: 'checksum mismatch', zeroLength: false, end };
    }
    if (body[length] !== END_OF_RECORD) {
      return { kind: 'invalid', offset, reason: 'missing end-of-record marker 0x42', zeroLength: false, end };
    }
    if (length < MIN_PAYLOAD_BYTES) {
      return { kind: 'invalid', offset, reason: 'payload too short for a TxnHeader', zeroLength: false, end };
    }
    return { kind: 'entry', offset, end, zxid: zxidOfPayload(payload), payload };
  }
}

/** ZooKeeper preallocates log files with zeros; a zero tail is unused space, not damage. */
async function isZeroFrom(handle: FileHandle, position: number, end: number): Promise<boolean> {
  const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, Math.max(1, end - position)));
  // compared natively: a byte loop over each 64 MiB file ZooKeeper preallocates cost seconds at start
  const zeros = Buffer.alloc(buffer.length);
  while (position < end) {
    const got = await readFully(handle, buffer, 0, Math.min(buffer.length, end - position), position);
    if (got === 0) return true;
    if (!buffer.subarray(0, got).equals(zeros.subarray(0, got))) return false;
    position += got;
  }
  return true;
}

export interface ScanOptions {
  maxEntryBytes: number;
  /** Files wholly at or below this zxid (the next file starts at most one above) are not read; see TxnLogOptions. */
  coveredUpTo?: bigint;
}

/** Scans every log file in `dir` read-only. Throws DataDirError when the log is damaged beyond a torn tail. */
export async function scanLogDir(dir: string, options: ScanOptions): Promise<LogScan> {
  const files = await listLogFiles(dir);
  const segments: ScannedSegment[] = [];
  const repairs: LogRepair[] = [];
  let lastZxid = 0n;
  for (let i = 0; i < files.length; i++) {
    const { name, startZxid } = files[i]!;
    const filePath = path.join(dir, name);
    const newest = i === files.length - 1;
    const nextStart = files[i + 1]?.startZxid;
    const covered = options.coveredUpTo;
    if (covered !== undefined && nextStart !== undefined && nextStart <= covered + 1n && nextStart > startZxid) {
      const size = (await fs.stat(filePath)).size;
      segments.push({ name, path: filePath, startZxid, firstZxid: startZxid, lastZxid: nextStart - 1n, size });
      lastZxid = nextStart - 1n;
      continue;
    }
    const refuse = (offset: number, problem: string): never => {
      throw new DataDirError(filePath, offset, problem);
    };
    const handle = await fs.open(filePath, 'r');
    try {
      const size = (await handle.stat()).size;
      const removal = (message: string, quiet: boolean) => repairs.push({ kind: 'remove', name, path: filePath, message, quiet });
      if (size === 0) {
        removal(`Removed empty log file ${name}`, true);
        continue;
      }
      const header = Buffer.alloc(LOG_HEADER_BYTES);
      const got = await readFully(handle, header, 0, LOG_HEADER_BYTES, 0);
      if (got < LOG_HEADER_BYTES) {
        if (!newest) refuse(0, `incomplete log file header (${got} bytes) in an older log file`);
        removal(`Removed log file ${name}: its header is incomplete (torn write) and it holds no entries`, false);
        continue;
      }
      if (header.readInt32BE(0) !== TXNLOG_MAGIC) {
        refuse(0, `bad magic 0x${header.readUInt32BE(0).toString(16)} (want 0x${TXNLOG_MAGIC.toString(16)} "ZKLG")`);
      }
      if (header.readInt32BE(4) !== TXNLOG_VERSION) {
        refuse(4, `unsupported log version ${header.readInt32BE(4)} (want ${TXNLOG_VERSION})`);
      }
      const segment: ScannedSegment = { name, path: filePath, startZxid, firstZxid: undefined, lastZxid: undefined, size: 0 };
      const scanner = new EntryScanner(handle, () => size, options.maxEntryBytes);
      let offset = LOG_HEADER_BYTES;
      for (;;) {
        const step = await scanner.next(offset);
        if (step.kind === 'end') break;
        if (step.kind === 'invalid') {
          if (step.zeroLength && (await isZeroFrom(handle, offset, size))) break;
          if (!newest) refuse(offset, `${step.reason} in an older log file, with later files after it`);
          // A bad entry followed by a good one is damage inside the history, not a write cut short by a crash.
          if (step.end !== undefined && (await scanner.next(step.end)).kind === 'entry') {
            refuse(offset, `${step.reason}, with valid entries after it`);
          }
          const keep = offset > LOG_HEADER_BYTES;
          const message =
            `Truncated torn/corrupt log tail of ${name} at offset ${offset} after zxid ${hexZxid(lastZxid)}` +
            ` (reason: ${step.reason})` +
            (keep ? '' : `; removed ${name} as it has no valid entries`);
          if (keep) repairs.push({ kind: 'truncate', name, path: filePath, offset, message });
          else removal(message, false);
          break;
        }
        if (step.zxid <= lastZxid) refuse(offset, `zxid ${hexZxid(step.zxid)} not greater than ${hexZxid(lastZxid)}`);
        if (segment.firstZxid === undefined && step.zxid < startZxid) {
          refuse(offset, `zxid ${hexZxid(step.zxid)} below the file's start zxid ${hexZxid(startZxid)}`);
        }
        segment.firstZxid ??= step.zxid;
        segment.lastZxid = step.zxid;
        lastZxid = step.zxid;
        offset = step.end;
      }
      segment.size = offset;
      if (segment.lastZxid === undefined) {
        // A file with no entries carries nothing; dropping it keeps "every file has a first entry" true.
        if (!repairs.some((r) => r.path === filePath)) removal(`Removed log file ${name} holding no entries`, true);
        continue;
      }
      segments.push(segment);
    } finally {
      await handle.close();
    }
  }
  return { segments, repairs, lastZxid };
}

/** Carries out a scan's repairs: cut torn tails, remove files that hold nothing. */
export async function applyLogRepairs(dir: string, repairs: readonly LogRepair[], logger: Logger): Promise<void> {
  if (repairs.length === 0) return;
  for (const repair of repairs) {
    if (repair.kind === 'truncate') {
      const handle = await fs.open(repair.path, 'r+');
      try {
        await handle.truncate(repair.offset);
        await handle.sync();
      } finally {
        await handle.close();
      }
      logger.warn(repair.message);
    } else {
      await fs.unlink(repair.path);
      if (repair.quiet) logger.debug(repair.message);
      else logger.warn(repair.message);
    }
  }
  await fsyncDir(dir);
}
