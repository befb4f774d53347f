// The fault regime of one simulation run: every rate and shape the simulator uses, drawn from the seed (or given),
// so a failing seed can print exactly what it ran under and a regime can be pinned to reproduce a class of bugs.
import type { Prng } from './prng.js';

export interface FaultOptions {
  voters: number;
  observers: number;
  /** Election notifications dropped / duplicated (quorum links are TCP-like and never drop or duplicate). */
  dropRate: number;
  duplicateRate: number;
  /** Network delay per message, uniform in [0, maxDelayMs]. */
  maxDelayMs: number;
  /** Chance that sending a quorum packet breaks its link under both ends. */
  linkBreakRate: number;
  /** Mean gap between injected faults; each picks one kind by the weights below. */
  faultEveryMs: number;
  crashWeight: number;
  partitionWeight: number;
  healWeight: number;
  leaderCrashWeight: number;
  linkBreakWeight: number;
  /** A crashed member restarts after a delay uniform in [restartMinMs, restartMaxMs]. */
  restartMinMs: number;
  restartMaxMs: number;
  /** Chance that a crash with an unfinished log append keeps a prefix of it (a torn tail). */
  tornTailRate: number;
  /** Chance, per disk write, of a crash while it is still in flight (epoch writes are 20 times as likely). */
  inFlightCrashRate: number;
  /** Disk write latency, uniform in [0, diskMaxMs]; writes complete in order. */
  diskMaxMs: number;
  /** Chance, per commit, that a member snapshots and (half the time) purges its log. */
  snapshotRate: number;
  committedLogSize: number;
  /** Mean gap between client actions. */
  clientEveryMs: number;
  clients: number;
  sessionTimeoutMs: number;
  /**
   * Mean gap between reconfigs that give the members new roles (voter or observer); 0: the membership never changes.
   * Drawn from a generator of its own, so that the other fields and the run's faults are those of a seed without it.
   */
  reconfigEveryMs: number;
}

/** Draws a regime from the seed's generator; `given` pins any field (the draws are still made, so others keep their value). */
export function drawFaultOptions(rng: Prng, given: Partial<FaultOptions> = {}): FaultOptions {
  const own = rng.derive(reconfigSalt);
  const drawn: FaultOptions = {
    voters: rng.pick([3, 3, 5, 5, 5]),
    observers: rng.chance(0.3) ? 1 : 0,
    dropRate: round(rng.next() * 0.1),
    duplicateRate: round(rng.next() * 0.05),
    maxDelayMs: rng.int(2, 40),
    linkBreakRate: round(rng.next() * 0.004),
    faultEveryMs: rng.int(300, 3000),
    crashWeight: 35,
    partitionWeight: 20,
    healWeight: 20,
    leaderCrashWeight: 10,
    linkBreakWeight: 15,
    restartMinMs: 50,
    restartMaxMs: rng.pick([2000, 3000]),
    tornTailRate: rng.pick([0, 0.5, 0.5, 1]),
    inFlightCrashRate: rng.pick([0, 0.001, 0.003]),
    diskMaxMs: rng.pick([1, 5, 15, 50]),
    snapshotRate: rng.pick([0.01, 0.05]),
    committedLogSize: rng.pick([3, 20, 500]),
    clientEveryMs: rng.int(10, 80),
    clients: rng.int(3, 6),
    sessionTimeoutMs: rng.pick([1500, 4000, 10_000]),
    // Off unless pinned (faults: { reconfigEveryMs }): with reconfigs, members that missed a reconfig's commit keep
    // the old membership and can no longer form a quorum with those that did, because Paddock's election ignores the
    // configuration a notification carries (ZooKeeper's WorkerReceiver adopts a newer one and restarts the election).
    reconfigEveryMs: own.pick([0]),
  };
  return { ...drawn, ...given };
}

/** One line, `key=value` pairs, for the head of a run's output. */
export function describeFaultOptions(options: FaultOptions): string {
  return Object.entries(options)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
}

/** Salts of the generators derived from a seed's for reconfigs: the regime's draw, and the run's choices. */
export const reconfigSalt = 0x7ec0f16;
export const reconfigRunSalt = 0x7ec0f17;

function round(rate: number): number {
  return Math.round(rate * 1e5) / 1e5;
}
