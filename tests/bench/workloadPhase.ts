// Measures the request workloads on one topology: both servers run side by side and every figure's runs alternate
// between them (P,Z then Z,P, ...), so drift on the machine (thermal, page cache, other tenants) hits both alike.
import type { ZkConnection } from '../../node-core/client/zkConnection.js';
import { createBenchServer, serverKinds, serverLabels, snapshotsTaken, type BenchServer, type ServerKind } from './benchServer.js';
import { workloadFigures, type FigureStore } from './figures.js';
import { runLoad, type LoadResult } from './loadRun.js';
import type { BenchOptions } from './options.js';
import { ensureNode, openAdmin, prepareWorkloadTree } from './treeSetup.js';
import type { HostPort } from './loadMessages.js';
import type { Shape, WorkloadName, WorkloadRun } from './workloads.js';

const KEYS_PARENT = '/bench/keys';

export type Progress = (line: string) => void;

interface Contender {
  kind: ServerKind;
  server: BenchServer;
  admin: ZkConnection;
  /** Followers first on an ensemble, so the lone 1×1 client sits on a follower for both servers alike. */
  targets: HostPort[];
  runCounter: number;
}

/** Alternates which server goes first, run by run. */
export function alternate<T>(items: readonly T[], rep: number): T[] {
  return rep % 2 === 0 ? [...items] : [...items].reverse();
}

async function startContender(
  kind: ServerKind,
  topology: number,
  options: BenchOptions,
  profileDir: string | undefined,
): Promise<Contender> {
  const server = await createBenchServer({
    kind,
    size: topology,
    profileDir: kind === 'paddock' && options.profile ? profileDir : undefined,
    profileName: `workloads-${topology}`,
  });
  try {
    await server.start();
    let targets = server.targets;
    if (topology > 1) {
      const modes = await server.modes();
      if (modes.some((m) => m === undefined || m === 'standalone')) {
        throw new Error(`members report modes ${modes.map(String).join(', ')}, not a quorum`);
      }
      const leader = modes.indexOf('leader');
      targets = [...server.targets.filter((_, i) => i !== leader), ...(leader < 0 ? [] : [server.targets[leader]!])];
    }
    const admin = await openAdmin(targets[0]!);
    await prepareWorkloadTree(admin, KEYS_PARENT, options.keyCount);
    return { kind, server, admin, targets, runCounter: 0 };
  } catch (error) {
    await server.destroy();
    throw error;
  }
}

const writeWorkloads: ReadonlySet<WorkloadName> = new Set(['setData', 'mix-90-10', 'create-100', 'create-1k']);

/** The fewest snapshots any member took between two mntr readings; undefined if a member did not say. */
function fewestSnapshots(before: (number | undefined)[], after: (number | undefined)[]): number | undefined {
  const taken = after.map((a, i) => (a === undefined || before[i] === undefined ? undefined : a - before[i]!));
  return taken.some((t) => t === undefined) ? undefined : Math.min(...(taken as number[]));
}

async function measure(
  contender: Contender,
  workload: WorkloadName,
  shape: Shape,
  options: BenchOptions,
  timing: { warmupMs: number; durationMs: number },
): Promise<LoadResult & { snapshots?: number }> {
  const createParent = `/bench/run-${++contender.runCounter}`;
  if (workload === 'create-100' || workload === 'create-1k') await ensureNode(contender.admin, createParent);
  const counting = writeWorkloads.has(workload);
  const before = counting ? await snapshotsTaken(contender.server) : [];
  const result = await runMeasured(contender, workload, shape, options, timing, createParent);
  if (!counting) return result;
  return { ...result, snapshots: fewestSnapshots(before, await snapshotsTaken(contender.server)) };
}

function runMeasured(
  contender: Contender,
  workload: WorkloadName,
  shape: Shape,
  options: BenchOptions,
  timing: { warmupMs: number; durationMs: number },
  createParent: string,
): Promise<LoadResult> {
  const throughput = shape === 'throughput';
  return runLoad({
    server: contender.server,
    targets: contender.targets,
    workload,
    clients: throughput ? options.throughputClients : 1,
    inFlight: throughput ? options.throughputInFlight : 1,
    workers: throughput ? options.loadWorkers : 1,
    warmupMs: timing.warmupMs,
    durationMs: timing.durationMs,
    createParent,
    keysParent: KEYS_PARENT,
    keyCount: options.keyCount,
  });
}

/** CPU that neither the server nor the load generator used: other tenants of the machine, i.e. noise. */
export function otherCpu(r: LoadResult): number {
  return Math.max(0, r.machineCpuPercent - r.serverCpuPercent - r.loadgenCpuPercent);
}

function record(
  store: FigureStore,
  topology: number,
  kind: ServerKind,
  workload: WorkloadName,
  shape: Shape,
  r: LoadResult & { snapshots?: number },
) {
  const add = (suffix: string, value: number, errors = 0) => store.add(topology, `${workload}.${suffix}`, kind, value, errors);
  if (r.snapshots !== undefined) add(`${shape}.snapshots`, r.snapshots);
  if (shape === 'latency') {
    add('latency.p50', r.latency.p50, r.errors);
    add('latency.p99', r.latency.p99);
    add('latency.max', r.latency.max);
    add('latency.serverCpu', r.serverCpuPercent);
    add('latency.loadgenCpu', r.loadgenCpuPercent);
    add('latency.otherCpu', otherCpu(r));
  } else {
    add('throughput', r.opsPerSecond, r.errors);
    add('throughput.p99', r.latency.p99);
    add('throughput.serverCpu', r.serverCpuPercent);
    add('throughput.loadgenCpu', r.loadgenCpuPercent);
    add('throughput.machineCpu', r.machineCpuPercent);
    add('throughput.otherCpu', otherCpu(r));
    if (r.opsPerSecond > 0) add('throughput.serverCpuPerOp', ((r.serverCpuPercent / 100) * 1e6) / r.opsPerSecond);
  }
}

function describe(shape: Shape, r: LoadResult & { snapshots?: number }): string {
  const cpu =
    `server ${r.serverCpuPercent.toFixed(0)}% / loadgen ${r.loadgenCpuPercent.toFixed(0)}% ` +
    `/ machine ${r.machineCpuPercent.toFixed(0)}%`;
  const errors =
    (r.errors > 0 ? `, ${r.errors} errors (${r.firstError ?? '?'})` : '') + (r.snapshots === undefined ? '' : `, ${r.snapshots} snapshots`);
  if (shape === 'latency') {
    return `p50 ${r.latency.p50.toFixed(0)} µs, p99 ${r.latency.p99.toFixed(0)} µs, max ${r.latency.max.toFixed(0)} µs; ${cpu}${errors}`;
  }
  return `${Math.round(r.opsPerSecond).toLocaleString('en-US')} ops/s, p99 ${r.latency.p99.toFixed(0)} µs; ${cpu}${errors}`;
}

export async function measureWorkloads(
  topology: number,
  runs: WorkloadRun[],
  options: BenchOptions,
  store: FigureStore,
  progress: Progress,
  profileDir: string | undefined,
): Promise<void> {
  for (const run of runs) store.define(workloadFigures(run.workload, options.throughputClients, options.throughputInFlight));
  const contenders: Contender[] = [];
  try {
    for (const kind of serverKinds) {
      try {
        contenders.push(await startContender(kind, topology, options, profileDir));
        progress(`${serverLabels[kind]} (${topology === 1 ? 'standalone' : `${topology} servers`}) is up`);
      } catch (error) {
        // An ensemble that cannot form is reported as n/a with the reason; a standalone server must start
        if (topology === 1) throw error;
        const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
        store.markUnavailable(topology, kind, reason);
        progress(`${serverLabels[kind]} ${topology}-node ensemble unavailable: ${reason}`);
      }
    }
    if (contenders.length === 0) return;

    // Both servers start from the same JIT-cold state; give each the same unmeasured mixed load first.
    const half = Math.max(1, Math.round(options.serverWarmupMs / 2));
    for (const c of contenders) {
      await measure(c, 'mix-90-10', 'throughput', options, { warmupMs: half, durationMs: 1 });
      await measure(c, 'create-100', 'throughput', options, { warmupMs: half, durationMs: 1 });
    }

    const timing = { warmupMs: options.warmupMs, durationMs: options.durationMs };
    for (const { workload, shapes } of runs) {
      for (const shape of shapes) {
        for (let rep = 0; rep < options.reps; rep++) {
          for (const c of alternate(contenders, rep)) {
            const result = await measure(c, workload, shape, options, timing);
            record(store, topology, c.kind, workload, shape, result);
            const shapeLabel = shape === 'latency' ? '1×1' : `${options.throughputClients}×${options.throughputInFlight}`;
            progress(`${workload} ${shapeLabel} ${serverLabels[c.kind]} run ${rep + 1}/${options.reps}: ${describe(shape, result)}`);
          }
        }
      }
    }
  } finally {
    for (const c of contenders) {
      await c.admin.close();
      await c.server.destroy();
    }
  }
}
