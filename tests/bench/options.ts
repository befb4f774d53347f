// Command-line options of `npm run bench` and the durations and sizes each mode (quick or full) implies.
import { isWorkloadName, shapes, workloadNames, type WorkloadName, type WorkloadRun } from './workloads.js';

export interface BenchOptions {
  quick: boolean;
  /** Start Paddock with --cpu-prof (profiles land in bench/results/profiles/<stamp>/). */
  profile: boolean;
  /** Server counts to measure the workloads on: 1 (standalone), then the ensemble size unless --no-ensemble. */
  topologies: number[];
  workloads: WorkloadName[];
  /** What each topology measures: every workload standalone; a quick run measures a subset on the ensemble. */
  runsByTopology: Map<number, WorkloadRun[]>;
  recovery: boolean;
  /** Leader kills on the ensemble (0 = no failover measurement). */
  failoverKills: number;
  reps: number;
  warmupMs: number;
  durationMs: number;
  /** Before the first measured run, each server gets this much mixed load so both start JIT-warm. */
  serverWarmupMs: number;
  /** Znode counts for the recovery figure; the first also gives the memory figures. */
  recoveryZnodes: number[];
  /** Load generator shape for throughput: clients x in flight, over this many worker processes. */
  throughputClients: number;
  throughputInFlight: number;
  loadWorkers: number;
  keyCount: number;
  /** The GUI phase: web mode in Chromium browsing a node with `guiChildren` children on each standalone server. */
  gui: boolean;
  guiChildren: number;
  /** One unmeasured pass per server before the measured runs (a quick run skips it to stay under 5 minutes). */
  guiWarmup: boolean;
  /** Steps of the scripted scroll from the top to the end of that node's children. */
  guiScrollSteps: number;
  /** The SNAP phase: a wiped member of a 3-member ensemble rejoins a tree of snapZnodes znodes, then of snapMiB MiB. */
  snap: boolean;
  snapZnodes: number;
  snapMiB: number;
  /** The getData latency while a snapshot of a `snapshotZnodes`-znode tree is written (standalone). */
  snapshotReads: boolean;
  snapshotZnodes: number;
}

export const usage = `Usage: npm run bench -- [options]
  --quick              short runs; on the ensemble only getData, setData and create 100 B 8×32; 100,000-znode
                       recovery only; the GUI on 20,000 children without a warm-up pass (under 5 minutes)
  --profile            run Paddock with --cpu-prof; profiles and a top-functions summary in bench/results/profiles/
  --ensemble N         ensemble size for the ensemble column and the failover figures (default 3)
  --no-ensemble        standalone only (no ensemble column, no failover)
  --only a,b           only these workloads (${workloadNames.join(', ')}) and, if named, gui (the GUI phase),
                       snap (a wiped member's SNAP) and snapshot (reads while a snapshot is written)
  --no-gui             skip the GUI phase (headless Chromium browsing a node with 100,000 children)
  --gui-children N     children of the node the GUI browses (default 100,000, quick 20,000; at most 100,000)
  --no-recovery        skip the memory and recovery measurements
  --snap               also time a wiped member's SNAP from the leader of a 3-member ensemble (minutes; --only snap
                       runs just that): 1,000,000 znodes of 100 B, and 1 GiB as 1,024 znodes of 1 MiB
  --snap-znodes N      znodes of the first SNAP tree (default 1,000,000)
  --snap-mib N         MiB (znodes of 1 MiB) of the second SNAP tree (default 1,024)
  --no-snapshot        skip getData latency while a 1,000,000-znode snapshot is written (quick: 100,000)
  --snapshot-znodes N  znodes in the tree that snapshot phase writes
  --kills N            leader kills for the failover figures (default 3; 0 skips failover)
  --no-failover        same as --kills 0
  --reps N             runs per figure (default 3; the median is reported)
  --duration MS        measured time per run (default 1000 quick, 10000 full)
  --warmup MS          unmeasured lead-in per run (default 300 quick, 2000 full)
  --help`;

const DEFAULT_ENSEMBLE = 3;

/** A quick run keeps under 5 minutes by measuring on the ensemble only a read, an update and a create. */
const quickEnsembleRuns: WorkloadRun[] = [
  { workload: 'getData', shapes: ['latency', 'throughput'] },
  { workload: 'setData', shapes: ['latency', 'throughput'] },
  { workload: 'create-100', shapes: ['throughput'] },
];

/** The name --only takes for the GUI phase beside the workload names. */
export const GUI_PHASE = 'gui';
/** The name --only takes for the SNAP phase. */
export const SNAP_PHASE = 'snap';
/** The name --only takes for the reads-during-a-snapshot phase. */
export const SNAPSHOT_PHASE = 'snapshot';

export class UsageError extends Error {}

function positiveInt(flag: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < 1) throw new UsageError(`${flag} needs a positive integer`);
  return n;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions | 'help' {
  let quick = false;
  let profile = false;
  let recovery = true;
  let reps = 3;
  let durationMs: number | undefined;
  let warmupMs: number | undefined;
  let ensembleSize: number | undefined = DEFAULT_ENSEMBLE;
  let failoverKills = 3;
  let workloads: WorkloadName[] = [...workloadNames];
  let gui = true;
  let guiChildren: number | undefined;
  let snap = false;
  let snapZnodes = 1_000_000;
  let snapMiB = 1024;
  let snapshotReads = true;
  let snapshotZnodes: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    switch (arg) {
      case '--quick':
        quick = true;
        break;
      case '--profile':
        profile = true;
        break;
      case '--no-recovery':
        recovery = false;
        break;
      case '--ensemble': {
        const size = positiveInt(arg, argv[++i]);
        if (size < 3 || size % 2 === 0) throw new UsageError('--ensemble needs an odd size of at least 3');
        ensembleSize = size;
        break;
      }
      case '--no-ensemble':
        ensembleSize = undefined;
        break;
      case '--kills': {
        const value = argv[++i];
        const n = Number(value);
        if (value === undefined || !Number.isInteger(n) || n < 0) throw new UsageError('--kills needs a whole number');
        failoverKills = n;
        break;
      }
      case '--no-failover':
        failoverKills = 0;
        break;
      case '--only': {
        const names = (argv[++i] ?? '').split(',').filter(Boolean);
        const phases = [GUI_PHASE, SNAP_PHASE, SNAPSHOT_PHASE];
        const unknown = names.filter((n) => !isWorkloadName(n) && !phases.includes(n));
        if (names.length === 0 || unknown.length > 0) {
          throw new UsageError(`--only takes ${phases.join(', ')} and workloads from: ${workloadNames.join(', ')} (got ${unknown.join(', ')})`);
        }
        workloads = workloadNames.filter((n) => names.includes(n));
        gui = gui && names.includes(GUI_PHASE);
        snap = snap || names.includes(SNAP_PHASE);
        snapshotReads = snapshotReads && names.includes(SNAPSHOT_PHASE);
        break;
      }
      case '--snap':
        snap = true;
        break;
      case '--snap-znodes':
        snapZnodes = positiveInt(arg, argv[++i]);
        break;
      case '--snap-mib':
        snapMiB = positiveInt(arg, argv[++i]);
        break;
      case '--no-snapshot':
        snapshotReads = false;
        break;
      case '--snapshot-znodes':
        snapshotZnodes = positiveInt(arg, argv[++i]);
        break;
      case '--no-gui':
        gui = false;
        break;
      case '--gui-children': {
        const n = positiveInt(arg, argv[++i]);
        // beyond this the listing's reply outgrows the GUI client's 1 MiB frame limit (jute.maxbuffer)
        if (n > 100_000) throw new UsageError('--gui-children is at most 100000');
        guiChildren = n;
        break;
      }
      case '--reps':
        reps = positiveInt(arg, argv[++i]);
        break;
      case '--duration':
        durationMs = positiveInt(arg, argv[++i]);
        break;
      case '--warmup':
        warmupMs = positiveInt(arg, argv[++i]);
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (snap && ensembleSize !== 3) throw new UsageError('the SNAP phase runs on a 3-member ensemble: drop --no-ensemble/--ensemble');
  const topologies = ensembleSize === undefined ? [1] : [1, ensembleSize];
  const everything: WorkloadRun[] = workloads.map((workload) => ({ workload, shapes: [...shapes] }));
  const runsByTopology = new Map<number, WorkloadRun[]>([[1, everything]]);
  if (ensembleSize !== undefined) {
    const ensembleRuns = quick
      ? quickEnsembleRuns.filter((run) => workloads.includes(run.workload))
      : everything;
    runsByTopology.set(ensembleSize, ensembleRuns);
  }
  return {
    quick,
    profile,
    topologies,
    workloads,
    runsByTopology,
    recovery,
    failoverKills: ensembleSize === undefined ? 0 : failoverKills,
    reps,
    warmupMs: warmupMs ?? (quick ? 300 : 2_000),
    durationMs: durationMs ?? (quick ? 1_000 : 10_000),
    serverWarmupMs: quick ? 2_000 : 5_000,
    recoveryZnodes: quick ? [100_000] : [100_000, 1_000_000],
    throughputClients: 8,
    throughputInFlight: 32,
    loadWorkers: 2,
    keyCount: 1_000,
    gui,
    // Creating and listing 100,000 children twice more would push a quick run past 5 minutes.
    guiChildren: guiChildren ?? (quick ? 20_000 : 100_000),
    guiWarmup: !quick,
    guiScrollSteps: 20,
    snap,
    snapZnodes,
    snapMiB,
    snapshotReads,
    snapshotZnodes: snapshotZnodes ?? (quick ? 100_000 : 1_000_000),
  };
}
