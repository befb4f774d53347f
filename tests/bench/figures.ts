// The figures the benchmark reports and the store that collects their runs per server and topology.
import type { ServerKind } from './benchServer.js';
import { spread, type Spread } from './stats.js';
import { workloadLabels, type WorkloadName } from './workloads.js';

export type Better = 'lower' | 'higher';
export type Unit = 'µs' | 'ms' | 'ops/s' | 'MiB' | 'B' | '%' | 'µs/op' | 'writes' | 'snapshots';

export interface FigureDef {
  id: string;
  label: string;
  unit: Unit;
  better: Better;
  /** 'main' goes into the headline table; 'cpu' figures feed the table that shows who was the bottleneck. */
  table: 'main' | 'cpu';
}

export function workloadFigures(workload: WorkloadName, clients: number, inFlight: number): FigureDef[] {
  const label = workloadLabels[workload];
  const shape = `${clients}×${inFlight}`;
  return [
    { id: `${workload}.latency.p50`, label: `${label}: 1×1 latency p50`, unit: 'µs', better: 'lower', table: 'main' },
    { id: `${workload}.latency.p99`, label: `${label}: 1×1 latency p99`, unit: 'µs', better: 'lower', table: 'main' },
    { id: `${workload}.latency.max`, label: `${label}: 1×1 latency max`, unit: 'µs', better: 'lower', table: 'main' },
    { id: `${workload}.throughput`, label: `${label}: ${shape} throughput`, unit: 'ops/s', better: 'higher', table: 'main' },
    { id: `${workload}.throughput.p99`, label: `${label}: ${shape} latency p99`, unit: 'µs', better: 'lower', table: 'cpu' },
    { id: `${workload}.throughput.serverCpu`, label: `${label}: ${shape} server CPU`, unit: '%', better: 'lower', table: 'cpu' },
    { id: `${workload}.throughput.loadgenCpu`, label: `${label}: ${shape} load generator CPU`, unit: '%', better: 'lower', table: 'cpu' },
    { id: `${workload}.throughput.machineCpu`, label: `${label}: ${shape} whole machine CPU`, unit: '%', better: 'lower', table: 'cpu' },
    { id: `${workload}.throughput.otherCpu`, label: `${label}: ${shape} CPU of other processes (noise)`, unit: '%', better: 'lower', table: 'cpu' },
    { id: `${workload}.throughput.serverCpuPerOp`, label: `${label}: ${shape} server CPU per op`, unit: 'µs/op', better: 'lower', table: 'cpu' },
    { id: `${workload}.latency.serverCpu`, label: `${label}: 1×1 server CPU`, unit: '%', better: 'lower', table: 'cpu' },
    { id: `${workload}.latency.loadgenCpu`, label: `${label}: 1×1 load generator CPU`, unit: '%', better: 'lower', table: 'cpu' },
    { id: `${workload}.latency.otherCpu`, label: `${label}: 1×1 CPU of other processes (noise)`, unit: '%', better: 'lower', table: 'cpu' },
    // Write runs only; the fewest any member took, since each member of an ensemble snapshots on its own.
    { id: `${workload}.throughput.snapshots`, label: `${label}: ${shape} snapshots taken during the run`, unit: 'snapshots', better: 'higher', table: 'cpu' },
    { id: `${workload}.latency.snapshots`, label: `${label}: 1×1 snapshots taken during the run`, unit: 'snapshots', better: 'higher', table: 'cpu' },
  ];
}

export function memoryFigures(znodes: number): FigureDef[] {
  const n = znodes.toLocaleString('en-US');
  return [
    { id: 'start.empty', label: 'start to first read, empty data dir', unit: 'ms', better: 'lower', table: 'main' },
    { id: 'memory.idle', label: 'server RSS, idle after start', unit: 'MiB', better: 'lower', table: 'main' },
    { id: 'memory.loaded', label: `server RSS after creating ${n} × 100 B znodes`, unit: 'MiB', better: 'lower', table: 'main' },
    { id: 'memory.perZnode', label: `RSS growth per znode (${n} × 100 B)`, unit: 'B', better: 'lower', table: 'main' },
    { id: 'memory.recovered', label: `server RSS after restart with ${n} znodes`, unit: 'MiB', better: 'lower', table: 'main' },
  ];
}

export function failoverFigures(size: number): FigureDef[] {
  const what = `failover (${size} servers, leader kill -9)`;
  return [
    { id: 'failover.newLeader', label: `${what}: kill to a new leader serving (srvr)`, unit: 'ms', better: 'lower', table: 'main' },
    { id: 'failover.election', label: `${what}: election time the new leader reports`, unit: 'ms', better: 'lower', table: 'main' },
    { id: 'failover.writeGap', label: `${what}: longest gap between acknowledged writes`, unit: 'ms', better: 'lower', table: 'main' },
    { id: 'failover.lostWrites', label: `${what}: acknowledged writes lost`, unit: 'writes', better: 'lower', table: 'main' },
  ];
}

export function recoveryFigure(znodes: number): FigureDef {
  return {
    id: `recovery.${znodes}`,
    label: `recovery: start to first read, ${znodes.toLocaleString('en-US')} znodes`,
    unit: 'ms',
    better: 'lower',
    table: 'main',
  };
}

/** The GUI (web mode in Chromium) browsing a node with `children` children on each server. */
export function guiFigures(children: number): FigureDef[] {
  const what = `GUI, node with ${children.toLocaleString('en-US')} children`;
  const scroll = `${what}: frame time scrolling through the list`;
  return [
    { id: 'gui.countShown', label: `${what}: go-to-path to its child count shown`, unit: 'ms', better: 'lower', table: 'main' },
    { id: 'gui.firstRows', label: `${what}: expand click to first child rows shown`, unit: 'ms', better: 'lower', table: 'main' },
    { id: 'gui.scroll.p50', label: `${scroll} p50`, unit: 'ms', better: 'lower', table: 'main' },
    { id: 'gui.scroll.p99', label: `${scroll} p99`, unit: 'ms', better: 'lower', table: 'main' },
    { id: 'gui.scroll.max', label: `${scroll} max`, unit: 'ms', better: 'lower', table: 'main' },
    { id: 'gui.scroll.settle', label: `${what}: last scroll step to its rows shown`, unit: 'ms', better: 'lower', table: 'main' },
  ];
}

export interface FigureResult {
  spread: Spread;
  /** Error replies summed over the runs (should be 0). */
  errors: number;
}

/** runs[topology][figureId][kind] */
export class FigureStore {
  private readonly defs = new Map<string, FigureDef>();
  private readonly runs = new Map<string, { values: number[]; errors: number }>();
  /** Why a server has no figures in a topology (e.g. "Paddock has no ensemble yet"). */
  readonly unavailable = new Map<string, string>();

  define(defs: FigureDef[]): void {
    for (const d of defs) if (!this.defs.has(d.id)) this.defs.set(d.id, d);
  }

  add(topology: number, id: string, kind: ServerKind, value: number, errors = 0): void {
    if (!this.defs.has(id)) throw new Error(`figure ${id} is not defined`);
    if (!Number.isFinite(value)) return;
    const key = `${topology}|${id}|${kind}`;
    const entry = this.runs.get(key) ?? { values: [], errors: 0 };
    entry.values.push(value);
    entry.errors += errors;
    this.runs.set(key, entry);
  }

  markUnavailable(topology: number, kind: ServerKind, reason: string): void {
    this.unavailable.set(`${topology}|${kind}`, reason);
  }

  unavailableReason(topology: number, kind: ServerKind): string | undefined {
    return this.unavailable.get(`${topology}|${kind}`);
  }

  figures(): FigureDef[] {
    return [...this.defs.values()];
  }

  result(topology: number, id: string, kind: ServerKind): FigureResult | undefined {
    const entry = this.runs.get(`${topology}|${id}|${kind}`);
    if (entry === undefined || entry.values.length === 0) return undefined;
    return { spread: spread(entry.values), errors: entry.errors };
  }

  hasAny(topology: number, id: string): boolean {
    return this.result(topology, id, 'paddock') !== undefined || this.result(topology, id, 'apache') !== undefined;
  }
}
