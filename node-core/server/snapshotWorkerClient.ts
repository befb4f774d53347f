// The request thread's side of the snapshot worker: starts the worker thread on demand, hands it one job at a time,
// and ends it when snapshots stop coming, so its second copy of the tree lives only while snapshots are frequent.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { snapshotFileName } from '../storage/index.js';
import type { SnapshotJob, SnapshotJobResult } from './snapshotWorkerMessages.js';

/** A worker idle this long (no snapshot started) is ended, freeing its tree; the next one rebuilds from disk. */
export const DEFAULT_KEEP_TREE_MS = 60_000;

export type WorkerOutcome = SnapshotJobResult | { kind: 'abandoned'; zxid: bigint };

/** The compiled worker beside this module; undefined when running from TypeScript sources (tests under vitest). */
export function defaultSnapshotWorkerFile(): string | undefined {
  const file = fileURLToPath(new URL('./snapshotWorker.js', import.meta.url));
  return existsSync(file) ? file : undefined;
}

export class SnapshotWorkerClient {
  private worker: Worker | undefined;
  private running: { job: SnapshotJob; settle: (outcome: WorkerOutcome) => void } | undefined;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly workerFile: string,
    private readonly keepTreeMs = DEFAULT_KEEP_TREE_MS,
  ) {}

  /** True while a worker thread (and the tree it keeps) is alive. */
  get alive(): boolean {
    return this.worker !== undefined;
  }

  /** Runs one job; the caller allows at most one at a time. Never rejects: failures come back as outcomes. */
  write(job: SnapshotJob): Promise<WorkerOutcome> {
    if (this.running !== undefined) throw new Error('a snapshot job is already running');
    clearTimeout(this.idleTimer);
    const worker = this.worker ?? this.start();
    return new Promise<WorkerOutcome>((resolve) => {
      this.running = {
        job,
        settle: (outcome) => {
          this.running = undefined;
          if (outcome.kind === 'written') this.idleTimer = setTimeout(() => void this.end(), this.keepTreeMs).unref();
          else void this.end();
          resolve(outcome);
        },
      };
      worker.postMessage(job);
    });
  }

  /** Drops the worker's tree (the state was replaced other than through the log, e.g. a leader's snapshot). */
  forget(): Promise<void> {
    return this.end();
  }

  /** Ends the worker at once; a snapshot it was writing is abandoned and its temporary file removed. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.end();
  }

  private start(): Worker {
    const worker = new Worker(this.workerFile);
    worker.unref();
    // Events of a worker already ended (replaced by a newer one) must not settle the newer one's job.
    const current = () => this.worker === worker;
    worker.on('message', (result: SnapshotJobResult) => {
      if (current()) this.running?.settle(result);
    });
    worker.on('error', (error) => {
      if (!current()) return;
      this.worker = undefined;
      this.running?.settle({ kind: 'failed', zxid: this.running.job.zxid, reason: `snapshot worker crashed: ${error.message}` });
    });
    worker.on('exit', (code) => {
      if (!current()) return;
      this.worker = undefined;
      this.running?.settle({ kind: 'failed', zxid: this.running.job.zxid, reason: `snapshot worker exited (code ${code})` });
    });
    this.worker = worker;
    return worker;
  }

  private async end(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    if (worker === undefined) return;
    this.worker = undefined;
    const running = this.running;
    this.running = undefined;
    await worker.terminate();
    if (running !== undefined) {
      // A terminated writer leaves its temporary behind; the snapshot itself was never renamed into place.
      await rm(path.join(running.job.snapDir, snapshotFileName(running.job.zxid) + '.tmp'), { force: true });
      running.settle({ kind: 'abandoned', zxid: running.job.zxid });
    }
  }
}
