// Measures memory and recovery on fresh standalone servers: idle RSS and time to first read on an empty data dir,
// RSS after creating N znodes of 100 B, then a clean stop (SIGTERM) and the time from process start until a getData
// is answered again with those N znodes to recover. Also the migration case: a data dir that Apache ZooKeeper wrote
// (100,000 znodes), started by Paddock and, beside it, by ZooKeeper itself.
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createBenchServer, serverKinds, serverLabels, type BenchServer, type ServerKind } from './benchServer.js';
import { memoryFigures, recoveryFigure, type FigureDef, type FigureStore } from './figures.js';
import { runLoad } from './loadRun.js';
import type { BenchOptions } from './options.js';
import { processRssBytes } from './procStats.js';
import { ensureNode, openAdmin } from './treeSetup.js';
import { alternate, type Progress } from './workloadPhase.js';

export const LOAD_PARENT = '/load';
const MiB = 1024 * 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function rssOf(server: BenchServer): number {
  const pid = server.pids()[0];
  const rss = pid === undefined ? undefined : processRssBytes(pid);
  if (rss === undefined) throw new Error(`cannot read the RSS of ${serverLabels[server.kind]}`);
  return rss;
}

async function fill(server: BenchServer, znodes: number, options: BenchOptions): Promise<number> {
  const admin = await openAdmin(server.targets[0]!);
  try {
    await ensureNode(admin, LOAD_PARENT);
  } finally {
    await admin.close();
  }
  const result = await runLoad({
    server,
    workload: 'load-100',
    clients: options.throughputClients,
    inFlight: options.throughputInFlight,
    workers: options.loadWorkers,
    warmupMs: 0,
    durationMs: 0,
    totalOps: znodes,
    createParent: LOAD_PARENT,
    keysParent: LOAD_PARENT,
    keyCount: 1,
  });
  if (result.errors > 0) throw new Error(`filling ${znodes} znodes: ${result.errors} errors (${result.firstError ?? '?'})`);
  return result.opsPerSecond;
}

function newServer(kind: ServerKind, options: BenchOptions, profileDir: string | undefined, name: string) {
  return createBenchServer({
    kind,
    size: 1,
    profileDir: kind === 'paddock' && options.profile ? profileDir : undefined,
    profileName: name,
  });
}

/** One memory run: a fresh server filled with `znodes` znodes, then restarted once for the recovery figure. */
async function memoryRun(
  kind: ServerKind,
  znodes: number,
  options: BenchOptions,
  store: FigureStore,
  progress: Progress,
  profileDir: string | undefined,
  rep: number,
): Promise<void> {
  const server = await newServer(kind, options, profileDir, `memory-${rep + 1}`);
  try {
    const startMs = await server.start();
    await sleep(500);
    const idle = rssOf(server);
    const rate = await fill(server, znodes, options);
    // let the JVM's and V8's collectors catch up with the burst before reading RSS
    await sleep(1_500);
    const loaded = rssOf(server);
    await server.stop();
    const recoveryMs = await server.start(LOAD_PARENT);
    await sleep(500);
    const recovered = rssOf(server);
    store.add(1, 'start.empty', kind, startMs);
    store.add(1, 'memory.idle', kind, idle / MiB);
    store.add(1, 'memory.loaded', kind, loaded / MiB);
    store.add(1, 'memory.perZnode', kind, (loaded - idle) / znodes);
    store.add(1, 'memory.recovered', kind, recovered / MiB);
    store.add(1, recoveryFigure(znodes).id, kind, recoveryMs);
    progress(
      `memory ${serverLabels[kind]} run ${rep + 1}/${options.reps}: start ${startMs.toFixed(0)} ms, idle ` +
        `${(idle / MiB).toFixed(0)} MiB, filled ${znodes} at ${Math.round(rate)}/s -> ${(loaded / MiB).toFixed(0)} MiB ` +
        `(${((loaded - idle) / znodes).toFixed(0)} B/znode); recovery ${recoveryMs.toFixed(0)} ms, ` +
        `${(recovered / MiB).toFixed(0)} MiB`,
    );
  } finally {
    await server.destroy();
  }
}

/** Larger trees: fill once per server, then restart each `reps` times, alternating the servers. */
async function recoveryOnly(
  znodes: number,
  options: BenchOptions,
  store: FigureStore,
  progress: Progress,
  profileDir: string | undefined,
): Promise<void> {
  const servers: BenchServer[] = [];
  try {
    for (const kind of serverKinds) {
      const server = await newServer(kind, options, profileDir, `recovery-${znodes}`);
      servers.push(server);
      await server.start();
      const rate = await fill(server, znodes, options);
      await server.stop();
      progress(`recovery ${serverLabels[kind]}: filled ${znodes} znodes at ${Math.round(rate)}/s`);
    }
    for (let rep = 0; rep < options.reps; rep++) {
      for (const server of alternate(servers, rep)) {
        const ms = await server.start(LOAD_PARENT);
        await server.stop();
        store.add(1, recoveryFigure(znodes).id, server.kind, ms);
        progress(`recovery ${znodes} ${serverLabels[server.kind]} run ${rep + 1}/${options.reps}: ${ms.toFixed(0)} ms`);
      }
    }
  } finally {
    for (const server of servers) await server.destroy();
  }
}

const ZK_WRITTEN_ZNODES = 100_000;
const zkWrittenFigure: FigureDef = {
  id: `recovery.zkWritten.${ZK_WRITTEN_ZNODES}`,
  label: `start to first read, ${ZK_WRITTEN_ZNODES.toLocaleString('en-US')} znodes written by ZooKeeper`,
  unit: 'ms',
  better: 'lower',
  table: 'main',
};

/** A bench server's (standalone) version-2 directory, where its snapshots and logs live. */
function versionDirOf(server: BenchServer): string {
  return join(server.dir, 'server1', 'data', 'version-2');
}

/**
 * Apache ZooKeeper writes ZK_WRITTEN_ZNODES znodes and stops; then, `reps` times each, Paddock and ZooKeeper start on
 * a fresh copy of exactly those files (so every start reads ZooKeeper's own snapshot and log).
 */
async function zkWrittenRecovery(options: BenchOptions, store: FigureStore, progress: Progress, profileDir: string | undefined): Promise<void> {
  store.define([zkWrittenFigure]);
  const servers: BenchServer[] = [];
  try {
    const apache = await newServer('apache', options, profileDir, 'zk-written');
    servers.push(apache);
    const paddock = await newServer('paddock', options, profileDir, 'zk-written');
    servers.push(paddock);
    await apache.start();
    const rate = await fill(apache, ZK_WRITTEN_ZNODES, options);
    await apache.stop();
    const written = join(apache.dir, 'zk-written-version-2');
    cpSync(versionDirOf(apache), written, { recursive: true });
    progress(`ZooKeeper-written data dir: ${ZK_WRITTEN_ZNODES} znodes at ${Math.round(rate)}/s`);
    for (let rep = 0; rep < options.reps; rep++) {
      for (const server of alternate([paddock, apache], rep)) {
        rmSync(versionDirOf(server), { recursive: true, force: true });
        cpSync(written, versionDirOf(server), { recursive: true });
        const ms = await server.start(LOAD_PARENT);
        await server.stop();
        store.add(1, zkWrittenFigure.id, server.kind, ms);
        progress(`ZooKeeper-written ${ZK_WRITTEN_ZNODES} on ${serverLabels[server.kind]} run ${rep + 1}/${options.reps}: ${ms.toFixed(0)} ms`);
      }
    }
  } finally {
    for (const server of servers) await server.destroy();
  }
}

export async function measureMemoryAndRecovery(
  options: BenchOptions,
  store: FigureStore,
  progress: Progress,
  profileDir: string | undefined,
): Promise<void> {
  const [first, ...larger] = options.recoveryZnodes;
  if (first === undefined) return;
  store.define(memoryFigures(first));
  store.define(options.recoveryZnodes.map(recoveryFigure));
  for (let rep = 0; rep < options.reps; rep++) {
    for (const kind of alternate(serverKinds, rep)) {
      await memoryRun(kind, first, options, store, progress, profileDir, rep);
    }
  }
  for (const znodes of larger) await recoveryOnly(znodes, options, store, progress, profileDir);
  await zkWrittenRecovery(options, store, progress, profileDir);
}
