// getData latency while the server writes a snapshot of a large tree (issue 10: "a snapshot of 1,000,000 znodes
// written during a load must not raise its p99"). Both servers start each run from the same data dir, a snapshot of
// N znodes of 100 B under /load plus the 1,000 keys reads address (written once by node-core's snapshot writer,
// whose bytes match ZooKeeper's, so neither server pays N network creates). With snapCount=SNAP_COUNT, a burst of
// exactly SNAP_COUNT setData crosses the randomised threshold (snapCount/2 .. snapCount) once, so one snapshot of
// the whole tree starts during the burst; getData 1×1 is measured from the end of the burst for the run's duration.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryLogger } from '../../node-core/log/logger.js';
import { writeTreeSnapshot } from '../../node-core/server/snapshotWriting.js';
import { SnapshotStore } from '../../node-core/storage/index.js';
import { DataTree } from '../../node-core/tree/dataTree.js';
import { createBenchServer, serverKinds, serverLabels, snapshotsTaken, type BenchServer } from './benchServer.js';
import type { FigureDef, FigureStore } from './figures.js';
import { runLoad } from './loadRun.js';
import type { BenchOptions } from './options.js';
import { alternate, type Progress } from './workloadPhase.js';
import { keyPath, openAcl, smallPayload } from './workloads.js';

const SNAP_COUNT = 20_000;
const KEYS_PARENT = '/bench/keys';
const LOAD_PARENT = '/load';

function figuresFor(znodes: number): FigureDef[] {
  const what = `getData while a ${znodes.toLocaleString('en-US')}-znode snapshot is being written`;
  return [
    { id: 'snapshotReads.p50', label: `${what}: 1×1 latency p50`, unit: 'µs', better: 'lower', table: 'main' },
    { id: 'snapshotReads.p99', label: `${what}: 1×1 latency p99`, unit: 'µs', better: 'lower', table: 'main' },
    { id: 'snapshotReads.max', label: `${what}: 1×1 latency max`, unit: 'µs', better: 'lower', table: 'main' },
    { id: 'snapshotReads.snapshots', label: `${what}: snapshots completed by the end of the reads`, unit: 'snapshots', better: 'higher', table: 'cpu' },
    { id: 'snapshotReads.serverCpu', label: `${what}: server CPU during the reads`, unit: '%', better: 'lower', table: 'cpu' },
  ];
}

/** A version-2 directory holding one snapshot: the keys and `znodes` sequential-named children of /load. */
async function writeStartingState(znodes: number, keyCount: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'paddock-bench-snapshot-'));
  const tree = new DataTree();
  const time = BigInt(Date.now());
  let zxid = 0n;
  const create = (path: string, data: Buffer | null) => tree.createNode(path, data, openAcl, 0n, -1, ++zxid, time);
  create('/bench', null);
  create(KEYS_PARENT, null);
  for (let i = 0; i < keyCount; i++) create(keyPath(KEYS_PARENT, i), smallPayload);
  create(LOAD_PARENT, null);
  for (let i = 0; i < znodes; i++) create(`${LOAD_PARENT}/c-${String(i).padStart(10, '0')}`, smallPayload);
  tree.lastProcessedZxid = zxid;
  const store = await SnapshotStore.open(dir, { logger: createMemoryLogger('bench') });
  await writeTreeSnapshot(store, tree, new Map(), zxid);
  return dir;
}

async function oneRun(server: BenchServer, state: string, options: BenchOptions, store: FigureStore, progress: Progress, rep: number) {
  const versionDir = join(server.dir, 'server1', 'data', 'version-2');
  rmSync(versionDir, { recursive: true, force: true });
  cpSync(state, versionDir, { recursive: true });
  await server.start(LOAD_PARENT);
  try {
    const before = (await snapshotsTaken(server))[0];
    const common = { server, warmupMs: 0, createParent: LOAD_PARENT, keysParent: KEYS_PARENT, keyCount: options.keyCount };
    const burst = await runLoad({ ...common, workload: 'setData', clients: options.throughputClients, inFlight: options.throughputInFlight, workers: options.loadWorkers, durationMs: 0, totalOps: SNAP_COUNT });
    if (burst.errors > 0) throw new Error(`setData burst: ${burst.errors} errors (${burst.firstError ?? '?'})`);
    const reads = await runLoad({ ...common, workload: 'getData', clients: 1, inFlight: 1, workers: 1, durationMs: options.durationMs });
    const after = (await snapshotsTaken(server))[0];
    const snapshots = before === undefined || after === undefined ? undefined : after - before;
    store.add(1, 'snapshotReads.p50', server.kind, reads.latency.p50, reads.errors);
    store.add(1, 'snapshotReads.p99', server.kind, reads.latency.p99);
    store.add(1, 'snapshotReads.max', server.kind, reads.latency.max);
    store.add(1, 'snapshotReads.serverCpu', server.kind, reads.serverCpuPercent);
    if (snapshots !== undefined) store.add(1, 'snapshotReads.snapshots', server.kind, snapshots);
    progress(
      `getData during a snapshot, ${serverLabels[server.kind]} run ${rep + 1}/${options.reps}: p50 ${reads.latency.p50.toFixed(0)} µs, ` +
        `p99 ${reads.latency.p99.toFixed(0)} µs, max ${reads.latency.max.toFixed(0)} µs; burst ${Math.round(burst.opsPerSecond)} setData/s; ` +
        `${snapshots ?? '?'} snapshots completed; server CPU ${reads.serverCpuPercent.toFixed(0)}%`,
    );
  } finally {
    await server.stop();
  }
}

export async function measureReadsDuringSnapshot(options: BenchOptions, store: FigureStore, progress: Progress): Promise<void> {
  store.define(figuresFor(options.snapshotZnodes));
  const state = await writeStartingState(options.snapshotZnodes, options.keyCount);
  progress(`snapshot phase: starting state of ${options.snapshotZnodes} znodes written`);
  const servers: BenchServer[] = [];
  try {
    for (const kind of serverKinds) servers.push(await createBenchServer({ kind, size: 1, extraConfig: [`snapCount=${SNAP_COUNT}`] }));
    for (let rep = 0; rep < options.reps; rep++) {
      for (const server of alternate(servers, rep)) await oneRun(server, state, options, store, progress, rep);
    }
  } finally {
    for (const server of servers) await server.destroy();
    rmSync(state, { recursive: true, force: true });
  }
}
