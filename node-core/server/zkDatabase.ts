// The server's durable state: the in-memory tree and sessions, rebuilt at start from the newest valid snapshot plus
// the transaction log after it, and snapshotted again every snapCount transactions while the server keeps serving:
// by a worker thread that rebuilds the same state from disk, so the request thread only decides when.
import * as path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { SnapshotStore, TxnLog, purgeOldFiles } from '../storage/index.js';
import { DataTree } from '../tree/dataTree.js';
import { planRecovery, type RecoveredSnapshot } from './dataDirRecovery.js';
import { applyTxn } from '../txn/applyTxn.js';
import { decodeTxnEntry, type Txn, type TxnHeader } from '../txn/txnRecords.js';
import type { Logger } from '../log/logger.js';
import { trackSessionTxn, writeTreeSnapshot } from './snapshotWriting.js';
import { defaultSnapshotWorkerFile, SnapshotWorkerClient, type WorkerOutcome } from './snapshotWorkerClient.js';

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
  /**
   * The compiled snapshot worker (snapshotWorker.js); by default the one beside this module. Null writes snapshots
   * on the request thread, as when no compiled worker exists (running from TypeScript sources).
   */
  snapshotWorkerFile?: string | null;
  /** How long an idle snapshot worker keeps its copy of the tree (see SnapshotWorkerClient). */
  snapshotWorkerKeepMs?: number;
}

/** How long a snapshot waits for the log to make its last transaction durable before writing on this thread. */
const DURABLE_WAIT_MS = 30_000;

export class ZkDatabase {
  tree: DataTree;
  /** Session id -> timeout of every session the replicated state knows (restored at recovery). */
  readonly sessions = new Map<bigint, number>();
  private txnsSinceSnapshot = 0;
  private snapshotThreshold: number;
  private snapshotInProgress: Promise<void> | null = null;
  private closing = false;
  private readonly worker: SnapshotWorkerClient | undefined;
  /**
   * False after the state was replaced other than through the log (a leader's snapshot): the worker would rebuild
   * from disk what the log does not hold, so the next snapshot is written on this thread from memory.
   */
  private stateFollowsLog = true;
  /** Bumped whenever the state is replaced, so a snapshot written meanwhile does not vouch for the new one. */
  private stateGeneration = 0;
  /** Snapshots written since start and their times in ms (mntr's snapshottime summary), skips, the last zxid. */
  readonly snapshotStats = { taken: 0, skipped: 0, inWorker: 0, minMs: 0, maxMs: 0, sumMs: 0, lastZxid: 0n };
  /** With replayLog off: the log entries after the loaded snapshot, oldest first, not applied. */
  unappliedLog: { zxid: bigint; payload: Buffer }[] = [];

  private constructor(
    readonly log: TxnLog,
    readonly snapshots: SnapshotStore,
    private readonly options: ZkDatabaseOptions,
  ) {
    this.tree = new DataTree();
    this.snapshotThreshold = this.nextThreshold();
    const workerFile = options.snapshotWorkerFile === undefined ? defaultSnapshotWorkerFile() : options.snapshotWorkerFile;
    if (workerFile !== null && workerFile !== undefined) this.worker = new SnapshotWorkerClient(workerFile, options.snapshotWorkerKeepMs);
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
    trackSessionTxn(this.sessions, header, txn);
  }

  /** Replaces the state with a leader's snapshot (ensemble SNAP sync). */
  replaceState(tree: DataTree, sessions: ReadonlyMap<bigint, number>): void {
    this.tree = tree;
    this.sessions.clear();
    for (const [id, timeout] of sessions) this.sessions.set(id, timeout);
    this.stateFollowsLog = false;
    this.stateGeneration++;
    void this.worker?.forget();
  }

  /** Called after each applied transaction; starts a snapshot in the background when enough have accumulated. */
  noteApplied(): void {
    this.txnsSinceSnapshot++;
    if (this.txnsSinceSnapshot < this.snapshotThreshold || this.closing) return;
    if (this.snapshotInProgress) {
      // As ZooKeeper's SyncRequestProcessor: one snapshot at a time; the next is due after another threshold.
      this.snapshotStats.skipped++;
      this.options.logger.warn('Too busy to snap, skipping');
      this.txnsSinceSnapshot = 0;
      this.snapshotThreshold = this.nextThreshold();
      this.log.roll();
      return;
    }
    {
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
   * Writes a snapshot named after the last applied zxid, in ZooKeeper's format with its digest trailer. The worker
   * rebuilds that state from the durable snapshot and log and writes it on another thread; it checks what it built
   * against this thread's node count and sessions and refuses on a difference, and then (or with no worker, or
   * after a leader's snapshot replaced the state) the snapshot is written here, in chunks from a copy-on-write view.
   */
  async takeSnapshot(): Promise<void> {
    const zxid = this.tree.lastProcessedZxid;
    const started = Date.now();
    // Taken now, before anything awaits: this is the state at `zxid`.
    const expected = { nodeCount: this.tree.nodeCount, sessions: new Map(this.sessions) };
    if (this.worker !== undefined && this.stateFollowsLog) {
      const outcome = await this.snapshotInWorker(zxid, expected);
      if (outcome.kind === 'abandoned') {
        this.options.logger.info(`Snapshot 0x${zxid.toString(16)} abandoned: the server is stopping`);
        return;
      }
      if (outcome.kind === 'written') {
        this.noteSnapshot(zxid, started, true);
        this.options.logger.info(
          `Snapshot 0x${zxid.toString(16)} written in ${Date.now() - started} ms by the snapshot worker (from ${outcome.base} ` +
            `+ ${outcome.logEntries} log entries in ${Math.round(outcome.buildMs)} ms, written in ${Math.round(outcome.writeMs)} ms)`,
        );
        return;
      }
      this.options.logger.warn(`Snapshot worker failed at 0x${zxid.toString(16)} (${outcome.reason}); writing the snapshot on the request thread`);
      if (this.closing) return;
    }
    await this.snapshotHere();
  }

  private async snapshotInWorker(zxid: bigint, expected: { nodeCount: number; sessions: Map<bigint, number> }): Promise<WorkerOutcome> {
    const deadline = Date.now() + DURABLE_WAIT_MS;
    // A follower may apply a commit before its own copy of the proposal is fsynced; the worker reads only the disk.
    while (this.log.lastZxid() < zxid) {
      if (this.closing) return { kind: 'abandoned', zxid };
      if (Date.now() > deadline || this.log.isFailed()) return { kind: 'failed', zxid, reason: 'the log did not reach the snapshot zxid' };
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return this.worker!.write({
      kind: 'snapshot',
      snapDir: this.snapshots.dir,
      logDir: this.log.dir,
      maxEntryBytes: this.options.maxEntryBytes,
      zxid,
      expected,
    });
  }

  private async snapshotHere(): Promise<void> {
    const zxid = this.tree.lastProcessedZxid;
    const started = Date.now();
    try {
      await this.writeSnapshot(true);
      this.noteSnapshot(zxid, started, false);
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
   * Writes the snapshot of the state as it is now, on this thread, named after its zxid; rejects when it could not.
   * A learner that installed its leader's SNAP needs this done (not abandoned) before it acknowledges NEWLEADER.
   */
  async writeSnapshot(abandonOnClose = false): Promise<void> {
    const zxid = this.tree.lastProcessedZxid;
    const generation = this.stateGeneration;
    await writeTreeSnapshot(this.snapshots, this.tree, this.sessions, zxid, (body) => (abandonOnClose ? this.untilClosing(body) : body));
    // From here on the snapshot and the log after it hold the state again, so the worker can rebuild it.
    if (generation === this.stateGeneration) this.stateFollowsLog = true;
  }

  private noteSnapshot(zxid: bigint, started: number, inWorker: boolean): void {
    const stats = this.snapshotStats;
    const ms = Date.now() - started;
    stats.minMs = stats.taken === 0 ? ms : Math.min(stats.minMs, ms);
    stats.maxMs = Math.max(stats.maxMs, ms);
    stats.sumMs += ms;
    stats.taken++;
    if (inWorker) stats.inWorker++;
    stats.lastZxid = zxid;
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
    await this.worker?.close();
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
