// Runs one measurement: forks the load-generator workers, splits the clients among them, starts them together,
// and combines their ops, latencies and CPU with the server's own CPU over the same window.
import { fork, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchServer } from './benchServer.js';
import type { FromWorker, HostPort, ToWorker, WorkerJob, WorkerResult } from './loadMessages.js';
import { machineCpuTicks, processCpuSeconds } from './procStats.js';
import { cpuPercent, summarizeLatencies, type LatencySummary } from './stats.js';
import type { AnyWorkload } from './workloads.js';

export interface LoadPlan {
  server: BenchServer;
  /** Where client i connects: targets[i % length]; the server's members in order when omitted. */
  targets?: HostPort[];
  workload: AnyWorkload;
  clients: number;
  inFlight: number;
  /** Worker processes; clients are dealt to them round-robin. */
  workers: number;
  warmupMs: number;
  durationMs: number;
  /** Count mode: send exactly this many requests in total (split over the clients) instead of a timed run. */
  totalOps?: number;
  createParent: string;
  keysParent: string;
  keyCount: number;
}

export interface LoadResult {
  ops: number;
  errors: number;
  firstError?: string;
  opsPerSecond: number;
  /** Microseconds. */
  latency: LatencySummary;
  windowMs: number;
  /** Sum over the worker processes, % of one core. */
  loadgenCpuPercent: number;
  /** Sum over the server's member processes, % of one core. */
  serverCpuPercent: number;
  /** Everything on the machine (kernel networking included), % of one core: cores x 100 means saturated. */
  machineCpuPercent: number;
}

const MAX_SAMPLES_PER_WORKER = 200_000;
const workerPath = fileURLToPath(new URL('./loadWorker.js', import.meta.url));

interface WorkerHandle {
  child: ChildProcess;
  next(): Promise<FromWorker>;
  post(message: ToWorker): void;
}

function startWorker(): WorkerHandle {
  // execArgv [] keeps the orchestrator's own flags (e.g. --cpu-prof) out of the load generators
  const child = fork(workerPath, [], { execArgv: [], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const queue: FromWorker[] = [];
  const waiters: Array<{ resolve: (m: FromWorker) => void; reject: (e: Error) => void }> = [];
  let exitError: Error | undefined;
  child.on('message', (message: FromWorker) => {
    const waiter = waiters.shift();
    if (waiter !== undefined) waiter.resolve(message);
    else queue.push(message);
  });
  child.once('exit', (code, signal) => {
    exitError = new Error(`load worker exited (${signal ?? `code ${String(code)}`}) before answering`);
    for (const w of waiters.splice(0)) w.reject(exitError);
  });
  return {
    child,
    next() {
      const queued = queue.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      if (exitError !== undefined) return Promise.reject(exitError);
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    post(message) {
      child.send(message);
    },
  };
}

async function expect<T extends FromWorker['type']>(
  worker: WorkerHandle,
  type: T,
): Promise<Extract<FromWorker, { type: T }>> {
  const message = await worker.next();
  if (message.type === 'failed') throw new Error(`load worker failed: ${message.message}`);
  if (message.type !== type) throw new Error(`load worker sent ${message.type}, expected ${type}`);
  return message as Extract<FromWorker, { type: T }>;
}

/** Busy share of all CPUs between two /proc/stat readings, scaled to % of one core. */
function machineBusyPercent(
  before: { busy: number; total: number } | undefined,
  after: { busy: number; total: number } | undefined,
  cores: number,
): number {
  if (before === undefined || after === undefined || after.total <= before.total) return NaN;
  return ((after.busy - before.busy) / (after.total - before.total)) * cores * 100;
}

function serverCpu(server: BenchServer): number {
  return server.pids().reduce((sum, pid) => sum + (processCpuSeconds(pid) ?? 0), 0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const workerCount = Math.max(1, Math.min(plan.workers, plan.clients));
  const workers = Array.from({ length: workerCount }, () => startWorker());
  try {
    const jobs: WorkerJob[] = workers.map((_, w) => {
      const clientIndexes = Array.from({ length: plan.clients }, (_, i) => i).filter((i) => i % workerCount === w);
      const total = plan.totalOps;
      const share =
        total === undefined
          ? undefined
          : clientIndexes.reduce(
              (sum, i) => sum + Math.floor(total / plan.clients) + (i < total % plan.clients ? 1 : 0),
              0,
            );
      return {
        targets: plan.targets ?? plan.server.targets,
        workload: plan.workload,
        clientIndexes,
        inFlight: plan.inFlight,
        warmupMs: plan.warmupMs,
        durationMs: plan.durationMs,
        totalOps: share,
        createParent: plan.createParent,
        keysParent: plan.keysParent,
        keyCount: plan.keyCount,
        maxSamples: MAX_SAMPLES_PER_WORKER,
      };
    });
    workers.forEach((worker, w) => worker.post({ type: 'job', job: jobs[w]! }));
    await Promise.all(workers.map((worker) => expect(worker, 'ready')));

    const results = Promise.all(workers.map((worker) => expect(worker, 'result')));
    for (const worker of workers) worker.post({ type: 'go' });
    if (plan.totalOps === undefined) await sleep(plan.warmupMs);
    const cpuStart = serverCpu(plan.server);
    const machineStart = machineCpuTicks();
    const wallStart = performance.now();
    if (plan.totalOps === undefined) await sleep(plan.durationMs);
    else await results;
    const serverCpuSeconds = serverCpu(plan.server) - cpuStart;
    const machine = machineBusyPercent(machineStart, machineCpuTicks(), cpus().length);
    const serverWallSeconds = (performance.now() - wallStart) / 1000;
    return combine((await results).map((m) => m.result), cpuPercent(serverCpuSeconds, serverWallSeconds), machine);
  } finally {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  }
}

function combine(results: WorkerResult[], serverCpuPercent: number, machineCpuPercent: number): LoadResult {
  let ops = 0;
  let errors = 0;
  let opsPerSecond = 0;
  let loadgenCpuPercent = 0;
  let windowMs = 0;
  let firstError: string | undefined;
  const samples: number[] = [];
  for (const r of results) {
    ops += r.ops;
    errors += r.errors;
    firstError ??= r.firstError;
    opsPerSecond += r.windowMs > 0 ? r.ops / (r.windowMs / 1000) : 0;
    loadgenCpuPercent += cpuPercent((r.cpuUserUs + r.cpuSystemUs) / 1e6, r.windowMs / 1000);
    windowMs = Math.max(windowMs, r.windowMs);
    for (const s of r.latenciesUs) samples.push(s);
  }
  return {
    ops,
    errors,
    firstError,
    opsPerSecond,
    latency: summarizeLatencies(samples),
    windowMs,
    loadgenCpuPercent,
    serverCpuPercent,
    machineCpuPercent,
  };
}
