// Entry point of the snapshot worker thread: rebuilds the state at the requested zxid from the data dir (the newest
// snapshot plus the log, or its own tree of the previous job rolled forward along the log) and writes
// snapshot.<zxid> from it, so serialising a large tree never runs on the thread that serves requests.
import { parentPort } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { createLogger } from '../log/logger.js';
import { SnapshotStore } from '../storage/index.js';
import { loadSnapshotAtOrBelow, rollForward, type DurableState } from './durableState.js';
import { writeTreeSnapshot } from './snapshotWriting.js';
import type { SnapshotJob, SnapshotJobResult } from './snapshotWorkerMessages.js';

const port = parentPort;
if (port === null) throw new Error('snapshotWorker.js runs only as a worker thread');
// The request thread logs the outcome; the store's own lines would only repeat it.
const silent = createLogger('snapshot-worker', { sink: () => undefined });
/** The state of the previous job, kept while the request thread keeps this worker alive. */
let kept: DurableState | undefined;

function sameSessions(a: ReadonlyMap<bigint, number>, b: ReadonlyMap<bigint, number>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, timeout] of a) if (b.get(id) !== timeout) return false;
  return true;
}

async function run(job: SnapshotJob): Promise<SnapshotJobResult> {
  const began = performance.now();
  const store = await SnapshotStore.open(job.snapDir, { logger: silent });
  let base = 'its tree of the previous snapshot';
  let state = kept !== undefined && kept.zxid <= job.zxid ? kept : undefined;
  kept = undefined;
  if (state === undefined) {
    const loaded = await loadSnapshotAtOrBelow(store, job.zxid);
    base = loaded.snapshotName ?? 'an empty tree';
    state = loaded;
  }
  const logEntries = await rollForward(state, job.logDir, job.zxid, job.maxEntryBytes);
  const built = performance.now();
  if (state.tree.nodeCount !== job.expected.nodeCount || !sameSessions(state.sessions, job.expected.sessions)) {
    return {
      kind: 'failed',
      zxid: job.zxid,
      reason:
        `the state rebuilt from disk (${state.tree.nodeCount} znodes, ${state.sessions.size} sessions) differs from ` +
        `the server's (${job.expected.nodeCount} znodes, ${job.expected.sessions.size} sessions)`,
    };
  }
  const path = await writeTreeSnapshot(store, state.tree, state.sessions, job.zxid);
  kept = state;
  return { kind: 'written', zxid: job.zxid, path, base, logEntries, buildMs: built - began, writeMs: performance.now() - built };
}

port.on('message', (job: SnapshotJob) => {
  run(job).then(
    (result) => port.postMessage(result),
    (error: unknown) => {
      kept = undefined;
      port.postMessage({ kind: 'failed', zxid: job.zxid, reason: error instanceof Error ? error.message : String(error) } satisfies SnapshotJobResult);
    },
  );
});
