// The messages between the benchmark orchestrator and its load-generator worker processes.
import type { AnyWorkload } from './workloads.js';

export interface HostPort {
  host: string;
  port: number;
}

export interface WorkerJob {
  /** Client i connects to targets[i % targets.length]. */
  targets: HostPort[];
  workload: AnyWorkload;
  /** Global client indexes this worker runs (one ZooKeeper session each). */
  clientIndexes: number[];
  inFlight: number;
  /** Timed mode: requests run for warmupMs + durationMs and only the last durationMs count. */
  warmupMs: number;
  durationMs: number;
  /** Count mode (used to fill the tree): when set, the worker sends exactly this many requests, then stops. */
  totalOps?: number;
  createParent: string;
  keysParent: string;
  keyCount: number;
  /** Latency samples shipped back at most (evenly strided); percentiles stay representative. */
  maxSamples: number;
}

export interface WorkerResult {
  /** Successful replies inside the measured window. */
  ops: number;
  /** Replies with a non-zero err inside the measured window. */
  errors: number;
  firstError?: string;
  windowMs: number;
  /** Latencies in microseconds of the ops in the window (possibly downsampled). */
  latenciesUs: number[];
  /** This worker's own CPU over the window (process.cpuUsage), in microseconds. */
  cpuUserUs: number;
  cpuSystemUs: number;
}

export type ToWorker = { type: 'job'; job: WorkerJob } | { type: 'go' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; result: WorkerResult }
  | { type: 'failed'; message: string };
