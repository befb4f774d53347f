// The server's durable state: the in-memory tree and sessions, rebuilt at start from the newest valid snapshot plus
// the transaction log after it, and snapshotted again every snapCount transactions while the server keeps serving.
import * as path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { SnapshotStore, TxnLog, digestSection, purgeOldFiles } from '../storage/index.js';
import { DataTree } from '../tree/dataTree.js';
import { serializeSnapshot, type ZxidDigest } from '../tree/snapshotCodec.js';
import { planRecovery, type RecoveredSnapshot } from './dataDirRecovery.js';
import { applyTxn } from '../txn/applyTxn.js';
import { decodeTxnEntry, type Txn, type TxnHeader } from '../txn/txnRecords.js';
import { OpCode } from '../protocol/index.js';
import type { Logger } from '../log/logger.js';

export interface ZkDatabaseOptions {
  dataDir: string;
  dataLogDir: string;
  snapCount: number;
  forceSync: boolean;
  maxEntryBytes: number;
  snapRetainCount: number;
  logger: Logger;
  /**
   * Standalone replays the whole log at start. An ensemble member must not: its log may end in proposals that were
   * never committed, so it loads the snapshot only and hands the log after it to consensus (see `unappliedLog`).
   */
  replayLog?: boolean;
}

export class ZkDatabase {
  tree: DataTree;
  /** Session id -> timeout of every session the replicated state knows (restored at recovery). */
  readonly sessions = new Map<bigint, number>();
  private txnsSinceSnapshot = 0;
  private snapshotThreshold: number;
  private snapshotInProgress: Promise<void> | null = null;
  private closing = false;
  /** With replayLog off: the log entries after the loaded snapshot, oldest first, not applied. */
  unappliedLog: { zxid: bigint; payload: Buffer }[] = [];

  private constructor(
    readonly log: TxnLog,
    readonly snapshots: SnapshotStore,
    private readonly options: ZkDatabaseOptions,
  ) {
    this.tree = new DataTree();
    this.snapshotThreshold = this.nextThreshold();
  }

  static async open(options: ZkDatabaseOptions): Promise<ZkDatabase> {
    const snapDir = path.join(options.dataDir, 'version-2');
    const logDir = path.join(options.dataLogDir, 'version-2');
    await mkdir(snapDir, { recursive: true });
    await mkdir(logDir, { recursive: true });
    const snapshots = await SnapshotStore.open(snapDir, { logger: options.logger.child('snapshot') });
    const started = Date.now();
    // Nothing in the data dir changes until the plan says it is usable (it throws DataDirError otherwise).
    const plan = await planRecovery(snapshots, logDir, options.maxEntryBytes, options.logger.child('recovery'));
    const logOptions = { logger: options.logger.child('txnlog'), forceSync: options.forceSync, maxEntryBytes: options.maxEntryBytes };
    const log = await TxnLog.fromScan(logDir, logOptions, plan.log);
    await snapshots.removeUnfinished();
    if (plan.snapshot) options.logger.child('snapshot').info(`Loaded snapshot ${plan.snapshot.name}`);
    const database = new ZkDatabase(log, snapshots, options);
    await database.recover(plan.snapshot, started);
    return database;
  }

  get lastProcessedZxid(): bigint {
    return this.tree.lastProcessedZxid;
  }

  private async recover(snapshot: RecoveredSnapshot | undefined, started: number): Promise<void> {
    let fromZxid = 0n;
    if (snapshot) {
      this.tree = snapshot.tree;
      for (const [id, timeout] of snapshot.sessions) this.sessions.set(id, timeout);
      this.tree.lastProcessedZxid = snapshot.zxid;
      fromZxid = snapshot.zxid;
    }
    let replayed = 0;
    for await (const entry of this.log.read(fromZxid)) {
      if (this.options.replayLog === false) {
        this.unappliedLog.push(entry);
        continue;
      }
      const { header, txn } = decodeTxnEntry(entry.payload);
      this.applyRecovered(header, txn);
      replayed++;
    }
    this.options.logger.info(
      `Recovered ${this.tree.nodeCount} znodes, ${this.sessions.size} sessions at zxid 0x${this.tree.lastProcessedZxid.toString(16)} ` +
        `(snapshot 0x${fromZxid.toString(16)} + ${replayed} log entries) in ${Date.now() - started} ms`,
    );
  }

  private applyRecovered(header: TxnHeader, txn: Txn): void {
    applyTxn(this.tree, header, txn);
    this.trackSessions(header, txn);
  }

  /** Keeps the session table in step with createSession/closeSession transactions. */
  trackSessions(header: TxnHeader, txn: Txn): void {
    if (txn.type === OpCode.createSession) this.sessions.set(header.clientId, txn.timeOut);
    else if (txn.type === OpCode.closeSession) this.sessions.delete(header.clientId);
  }

  /** Replaces the state with a leader's snapshot (ensemble SNAP sync). */
  replaceState(tree: DataTree, sessions: ReadonlyMap<bigint, number>): void {
    this.tree = tree;
    this.sessions.clear();
    for (const [id, timeout] of sessions) this.sessions.set(id, timeout);
  }

  /** Called after each applied transaction; starts a snapshot in the background when enough have accumulated. */
  noteApplied(): void {
    this.txnsSinceSnapshot++;
    if (this.txnsSinceSnapshot >= this.snapshotThreshold && !this.snapshotInProgress && !this.closing) {
      this.txnsSinceSnapshot = 0;
      this.snapshotThreshold = this.nextThreshold();
      this.log.roll();
      this.snapshotInProgress = this.takeSnapshot().finally(() => {
        this.snapshotInProgress = null;
      });
    }
  }

  /** ZooKeeper randomises the point between snapCount/2 and snapCount so members do not snapshot together. */
  private nextThreshold(): number {
    const half = Math.max(1, Math.floor(this.options.snapCount / 2));
    return half + Math.floor(Math.random() * half);
  }

  /**
   * Writes a snapshot named after the last applied zxid, in ZooKeeper's format with its digest trailer. Serialisation
   * proceeds in chunks between which writes may apply, from a copy-on-write view, so the body is exactly the state
   * at the name's zxid; recovery replays the log after it.
   */
  async takeSnapshot(): Promise<void> {
    const zxid = this.tree.lastProcessedZxid;
    const started = Date.now();
    try {
      await this.writeSnapshot(true);
      this.options.logger.info(`Snapshot 0x${zxid.toString(16)} written in ${Date.now() - started} ms`);
    } catch (error) {
      if (error instanceof SnapshotAbandoned) {
        this.options.logger.info(`Snapshot 0x${zxid.toString(16)} abandoned: the server is stopping`);
        return;
      }
      this.options.logger.error(`Snapshot 0x${zxid.toString(16)} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * Writes the snapshot of the state as it is now, named after its zxid; rejects when it could not. A learner that
   * installed its leader's SNAP needs this done (not abandoned) before it acknowledges NEWLEADER.
   */
  async writeSnapshot(abandonOnClose = false): Promise<void> {
    const zxid = this.tree.lastProcessedZxid;
    let digest: ZxidDigest | undefined;
    const body = serializeSnapshot(this.tree, new Map(this.sessions), { onDigest: (d) => (digest = d) });
    await this.snapshots.writeSnapshot(zxid, abandonOnClose ? this.untilClosing(body) : body, () =>
      digest === undefined ? [] : [digestSection(digest)],
    );
  }

  async purge(): Promise<void> {
    const result = await purgeOldFiles({
      dataDir: this.options.dataDir,
      dataLogDir: this.options.dataLogDir,
      snapRetainCount: this.options.snapRetainCount,
      logger: this.options.logger,
    });
    this.options.logger.info(`Autopurge removed ${result.snapshots.length} snapshots and ${result.logs.length} logs`);
  }

  /**
   * A snapshot being written is abandoned (its temporary file removed) rather than waited for: a big tree takes
   * seconds, and the log alone recovers everything a snapshot would have. Log writes in flight still finish.
   */
  async close(): Promise<void> {
    this.closing = true;
    await this.snapshotInProgress;
    await this.log.close();
  }

  private *untilClosing(chunks: Iterable<Buffer>): Generator<Buffer, void, undefined> {
    for (const chunk of chunks) {
      if (this.closing) throw new SnapshotAbandoned();
      yield chunk;
    }
  }
}

class SnapshotAbandoned extends Error {
  constructor() {
    super('snapshot abandoned: the server is stopping');
  }
}
