// The transaction log: an append-only, checksummed, fsynced record of every proposed transaction, in ZooKeeper's
// on-disk format (version-2/log.<hex zxid>), with group commit for throughput and torn-tail repair on open.
//
// File layout (big-endian): header {int magic "ZKLG", int version 2, long dbid 0}, then entries
// {long adler32(payload), int length, payload, byte 0x42}. The payload is opaque here except that it starts with
// a TxnHeader {long clientId, int cxid, long zxid, long time, int type}, which is where an entry's zxid comes from.
//
// Failure model: if a write or fsync fails, the log enters a failed state. The failing append, everything queued
// behind it and every later append reject, because after a failed fsync the kernel may have dropped the dirty pages
// and a later "successful" fsync would acknowledge writes that are not on disk (the PostgreSQL fsyncgate lesson;
// ZOOKEEPER-4882). Only reopening, which re-validates the files and cuts any partial tail, makes the log usable again.

import * as fs from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { fsyncDir, isNotFound, writeFully } from './durableFs.js';
import { applyLogRepairs, EntryScanner, scanLogDir, type LogScan, type ScannedSegment } from './txnLogScan.js';
import { ENTRY_OVERHEAD_BYTES, LOG_HEADER_BYTES, encodeLogEntries, hexZxid, logFileName, zxidOfPayload } from './txnLogFormat.js';
import { OpQueue, type AppendOp } from './txnLogQueue.js';

export {
  ENTRY_OVERHEAD_BYTES,
  LOG_HEADER_BYTES,
  TXNLOG_MAGIC,
  TXNLOG_VERSION,
  hexZxid,
  listLogFiles,
  logFileName,
  parseLogFileName,
  zxidOfPayload,
} from './txnLogFormat.js';

/** ZooKeeper reads log entries up to jute.maxbuffer plus an equal extra; 16 MiB leaves room for big multis. */
export const DEFAULT_MAX_ENTRY_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_BATCH_BYTES = 8 * 1024 * 1024;

export interface TxnLogOptions {
  logger: Logger;
  /** fsync every batch before acknowledging it (ZooKeeper's forceSync). Off only for tests and benchmarks. */
  forceSync?: boolean;
  /** Entries larger than this are refused on append and treated as corruption on open. */
  maxEntryBytes?: number;
  /** Upper bound on the bytes written by one group-commit batch, to bound memory under a burst. */
  maxBatchBytes?: number;
  /**
   * The zxid of the snapshot recovery starts from. Files whose every entry is at or below it (the next file starts
   * at most one above) are not scanned on open: nothing reads them to recover, and ZooKeeper does not read them
   * either. Their last zxid is then taken to be one below the next file's start.
   */
  coveredUpTo?: bigint;
}

export interface TxnLogEntry {
  zxid: bigint;
  payload: Buffer;
}

export interface TxnLogStats {
  /** fsync (fdatasync) calls made for appends. */
  fsyncs: number;
  /** write calls made for appends; each carries one or more entries. */
  batches: number;
  entries: number;
  bytes: number;
}

/** Raised for every append once a disk error has put the log into the failed state. */
export class TxnLogFailedError extends Error {
  constructor(readonly original: unknown) {
    super(`transaction log failed after a disk error and refuses writes until reopened: ${describe(original)}`);
    this.name = 'TxnLogFailedError';
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A log file's extent; `size` is what readers may read (bytes known written, fsynced when forceSync). */
type Segment = ScannedSegment;


interface Writer {
  segment: Segment;
  handle: FileHandle;
}

export class TxnLog {
  readonly stats: TxnLogStats = { fsyncs: 0, batches: 0, entries: 0, bytes: 0 };

  private readonly queue = new OpQueue();
  private draining: Promise<void> | undefined;
  private writer: Writer | undefined;
  private rollPending = false;
  private failure: unknown;
  private closed = false;
  /** Bumped by truncation so that a concurrent reader notices the ground moved under it. */
  private generation = 0;

  private constructor(
    readonly dir: string,
    private readonly logger: Logger,
    private readonly forceSync: boolean,
    private readonly maxEntryBytes: number,
    private readonly maxBatchBytes: number,
    private readonly segments: Segment[],
  ) {}

  /**
   * Opens (creating if needed) the log in `dir`: scans every file (see scanLogDir: a torn tail of the newest file is
   * cut, any other damage throws DataDirError with nothing changed), applies the repairs, and opens for appends.
   */
  static async open(dir: string, options: TxnLogOptions): Promise<TxnLog> {
    await fs.mkdir(dir, { recursive: true });
    const scan = await scanLogDir(dir, {
      maxEntryBytes: options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES,
      coveredUpTo: options.coveredUpTo,
    });
    return TxnLog.fromScan(dir, options, scan);
  }

  /** Opens the log from a scan made earlier (recovery scans first, decides, then repairs). */
  static async fromScan(dir: string, options: TxnLogOptions, scan: LogScan): Promise<TxnLog> {
    const logger = options.logger;
    await applyLogRepairs(dir, scan.repairs, logger);
    const segments: Segment[] = scan.segments.map((s) => ({ ...s }));
    logger.info(`Opened transaction log ${dir}: ${segments.length} file(s), last zxid ${hexZxid(scan.lastZxid)}`);
    return new TxnLog(
      dir,
      logger,
      options.forceSync ?? true,
      options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES,
      options.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES,
      segments,
    );
  }

  /** Zxid of the last entry written to disk (fsynced when forceSync), or 0n for an empty log. */
  lastZxid(): bigint {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const last = this.segments[i]!.lastZxid;
      if (last !== undefined) return last;
    }
    return 0n;
  }

  /** Zxid of the oldest entry still in the log, or undefined if it is empty. Purged files are noticed by read(). */
  oldestZxid(): bigint | undefined {
    for (const segment of this.segments) if (segment.firstZxid !== undefined) return segment.firstZxid;
    return undefined;
  }

  /** Names of the log files in use, oldest first. */
  files(): string[] {
    return this.segments.map((s) => s.name);
  }

  /** True once a disk error has made the log refuse writes. */
  isFailed(): boolean {
    return this.failure !== undefined;
  }

  /**
   * Appends one transaction. Resolves once it is written and fsynced; appends resolve in call order. Appends made
   * while a write is in flight are coalesced into one write and one fsync. Rejects with TxnLogFailedError after a
   * disk error (see the module comment), and with a RangeError for a payload that is too small, too large or whose
   * zxid is not above every earlier one; such a refusal leaves the log healthy.
   */
  append(payload: Buffer): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closed) return reject(new Error('transaction log is closed'));
      if (this.failure !== undefined) return reject(new TxnLogFailedError(this.failure));
      if (payload.length > this.maxEntryBytes) {
        return reject(new RangeError(`entry of ${payload.length} bytes exceeds maxEntryBytes ${this.maxEntryBytes}`));
      }
      let zxid: bigint;
      try {
        zxid = zxidOfPayload(payload);
      } catch (err) {
        return reject(err);
      }
      this.queue.push({ kind: 'append', payload, zxid, resolve, reject });
      this.kick();
    });
  }

  /** The next append starts a new file named after its zxid, so older files can later be purged whole. */
  roll(): void {
    if (this.closed || this.failure !== undefined) return;
    const tail = this.queue.last();
    if (tail?.kind === 'roll') return;
    this.queue.push({ kind: 'roll' });
    this.kick();
  }

  /**
   * Drops every entry with a zxid above `zxid` (ZAB's TRUNC), after every append issued before this call has
   * finished. Files that start above `zxid` are deleted; the file holding the cut point is truncated and fsynced.
   */
  truncateAfter(zxid: bigint): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.closed) return reject(new Error('transaction log is closed'));
      if (this.failure !== undefined) return reject(new TxnLogFailedError(this.failure));
      this.queue.push({ kind: 'truncate', zxid, resolve, reject });
      this.kick();
    });
  }

  /**
   * Every entry with a zxid above `fromZxid`, in order, across files. Only durable entries are returned; entries
   * appended while iterating are picked up if they become durable before the reader reaches the end. Throws if the
   * log is truncated underneath the reader or a file turns out damaged.
   */
  async *read(fromZxid: bigint): AsyncGenerator<TxnLogEntry> {
    const generation = this.generation;
    let index = 0;
    for (let i = 0; i < this.segments.length; i++) {
      const first = this.segments[i]!.firstZxid;
      if (first !== undefined && first <= fromZxid + 1n) index = i;
    }
    let segment: Segment | undefined = this.segments[index];
    while (segment) {
      let handle: FileHandle | undefined;
      try {
        handle = await fs.open(segment.path, 'r');
      } catch (err) {
        // purgeOldFiles works on the directory, not through this object, so an old file may vanish under us.
        if (!isNotFound(err)) throw err;
        this.logger.debug(`Log file ${segment.name} was removed; skipping it`);
      }
      if (handle) {
        try {
          const current = segment;
          const scanner = new EntryScanner(handle, () => current.size, this.maxEntryBytes);
          let offset = LOG_HEADER_BYTES;
          for (;;) {
            if (this.generation !== generation) throw new Error('transaction log was truncated while being read');
            const step = await scanner.next(offset);
            if (step.kind === 'end') break;
            if (step.kind === 'invalid') {
              throw new Error(`damaged entry in ${current.name} at offset ${offset}: ${step.reason}`);
            }
            offset = step.end;
            if (step.zxid > fromZxid) yield { zxid: step.zxid, payload: step.payload };
          }
        } finally {
          await handle.close();
        }
      }
      if (this.generation !== generation) throw new Error('transaction log was truncated while being read');
      if (!handle && segment !== this.writer?.segment) {
        const position = this.segments.indexOf(segment);
        if (position >= 0) this.segments.splice(position, 1);
      }
      const after: bigint = segment.startZxid;
      segment = this.segments.find((s) => s.startZxid > after);
    }
  }

  /** Waits for queued work, then releases the file. Later calls other than close() reject. */
  async close(): Promise<void> {
    if (this.closed) {
      while (this.draining) await this.draining;
      return;
    }
    this.closed = true;
    while (this.draining) await this.draining;
    const writer = this.writer;
    this.writer = undefined;
    await writer?.handle.close();
  }

  private kick(): void {
    if (this.draining) return;
    // Deferred to a microtask so appends issued in the same tick share the first batch.
    this.draining = new Promise<void>((resolve) => queueMicrotask(resolve))
      .then(() => this.drain())
      // drain() settles every op itself; anything escaping it is a bug, and the safe reaction is to stop writing.
      .catch((err: unknown) => this.fail(err))
      .finally(() => {
        this.draining = undefined;
        if (this.queue.size > 0 && this.failure === undefined) this.kick();
      });
  }

  private async drain(): Promise<void> {
    for (let op = this.queue.peek(); op; op = this.queue.peek()) {
      if (this.failure !== undefined) {
        this.rejectQueued();
        return;
      }
      if (op.kind === 'roll') {
        this.queue.shift();
        this.rollPending = true;
        continue;
      }
      if (op.kind === 'truncate') {
        this.queue.shift();
        try {
          await this.truncateNow(op.zxid);
          op.resolve();
        } catch (err) {
          this.fail(err);
          op.reject(new TxnLogFailedError(err));
        }
        continue;
      }
      const batch = this.takeBatch();
      if (batch.length === 0) continue;
      try {
        await this.writeBatch(batch);
      } catch (err) {
        this.fail(err);
        for (const item of batch) item.reject(new TxnLogFailedError(err));
        continue;
      }
      for (const item of batch) item.resolve();
    }
  }

  /** Consecutive appends up to the next roll/truncate or the byte cap, refusing any that would break zxid order. */
  private takeBatch(): AppendOp[] {
    const batch: AppendOp[] = [];
    let bytes = 0;
    let last = this.lastZxid();
    for (let op = this.queue.peek(); op?.kind === 'append'; op = this.queue.peek()) {
      const size = op.payload.length + ENTRY_OVERHEAD_BYTES;
      if (batch.length > 0 && bytes + size > this.maxBatchBytes) break;
      this.queue.shift();
      if (op.zxid <= last) {
        op.reject(new RangeError(`zxid ${hexZxid(op.zxid)} is not greater than the log's last ${hexZxid(last)}`));
        continue;
      }
      last = op.zxid;
      bytes += size;
      batch.push(op);
    }
    return batch;
  }

  private async writeBatch(batch: AppendOp[]): Promise<void> {
    await this.ensureWriterForTail();
    const newFile = this.rollPending || !this.writer;
    const buffer = encodeLogEntries(batch.map((op) => op.payload), newFile);

    if (newFile) await this.startFile(batch[0]!.zxid);
    const writer = this.writer!;
    const position = newFile ? 0 : writer.segment.size;
    await writeFully(writer.handle, buffer, position);
    this.stats.batches++;
    if (this.forceSync) {
      await writer.handle.datasync();
      this.stats.fsyncs++;
    }
    if (newFile) {
      // The file's directory entry must be durable too, or a crash could lose the whole new file.
      await fsyncDir(this.dir);
      this.segments.push(writer.segment);
    }
    const segment = writer.segment;
    segment.size = position + buffer.length;
    segment.firstZxid ??= batch[0]!.zxid;
    segment.lastZxid = batch[batch.length - 1]!.zxid;
    this.stats.entries += batch.length;
    this.stats.bytes += buffer.length;
  }

  private async startFile(firstZxid: bigint): Promise<void> {
    await this.closeWriter();
    const name = logFileName(firstZxid);
    const filePath = path.join(this.dir, name);
    // 'wx': a log file is never overwritten; if the name is taken something is badly wrong and we must stop.
    const handle = await fs.open(filePath, 'wx');
    this.writer = {
      handle,
      segment: { name, path: filePath, startZxid: firstZxid, firstZxid: undefined, lastZxid: undefined, size: 0 },
    };
    this.rollPending = false;
  }

  private async closeWriter(): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    await writer?.handle.close();
  }

  /** Appends after restart continue the newest file, as long as no roll was asked for. */
  private async ensureWriterForTail(): Promise<void> {
    if (this.writer || this.rollPending) return;
    const tail = this.segments[this.segments.length - 1];
    if (!tail) return;
    this.writer = { segment: tail, handle: await fs.open(tail.path, 'r+') };
  }

  private async truncateNow(zxid: bigint): Promise<void> {
    await this.closeWriter();
    this.generation++;
    let dirChanged = false;
    while (this.segments.length > 0) {
      const segment = this.segments[this.segments.length - 1]!;
      if (segment.lastZxid !== undefined && segment.lastZxid <= zxid) break;
      const firstAbove = segment.firstZxid === undefined || segment.firstZxid > zxid;
      if (firstAbove) {
        await fs.unlink(segment.path).catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
        this.segments.pop();
        dirChanged = true;
        this.logger.info(`Truncation to ${hexZxid(zxid)} removed log file ${segment.name}`);
        continue;
      }
      await this.cutSegment(segment, zxid);
      break;
    }
    if (dirChanged) await fsyncDir(this.dir);
  }

  private async cutSegment(segment: Segment, zxid: bigint): Promise<void> {
    const handle = await fs.open(segment.path, 'r+');
    try {
      const scanner = new EntryScanner(handle, () => segment.size, this.maxEntryBytes);
      let offset = LOG_HEADER_BYTES;
      let lastKept: bigint | undefined;
      for (;;) {
        const step = await scanner.next(offset);
        if (step.kind === 'end') break;
        if (step.kind === 'invalid') {
          throw new Error(`damaged entry in ${segment.name} at offset ${offset} while truncating: ${step.reason}`);
        }
        if (step.zxid > zxid) break;
        lastKept = step.zxid;
        offset = step.end;
      }
      await handle.truncate(offset);
      await handle.sync();
      this.logger.info(
        `Truncated log file ${segment.name} at offset ${offset} to end at zxid ${hexZxid(lastKept ?? zxid)}`,
      );
      segment.size = offset;
      segment.lastZxid = lastKept;
    } finally {
      await handle.close();
    }
  }

  private fail(err: unknown): void {
    if (this.failure === undefined) {
      this.failure = err;
      this.logger.error(`Transaction log write failed, refusing further writes until reopened: ${describe(err)}`);
    }
    this.rejectQueued();
  }

  private rejectQueued(): void {
    const pending = this.queue.takeAll();
    for (const op of pending) {
      if (op.kind !== 'roll') op.reject(new TxnLogFailedError(this.failure));
    }
  }
}
