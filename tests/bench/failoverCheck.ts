// Judges one failover run from what the writer saw and what the servers hold afterwards: the longest time without an
// acknowledged write, and how many acknowledged writes the surviving data no longer reflects. Pure functions.

/** A setData the server acknowledged: the writer's sequence number (also the value written) and the new version. */
export interface AckedWrite {
  seq: number;
  version: number;
  /** performance.now() of the reply, in ms. */
  ackedAtMs: number;
}

/** The node as one member serves it after the run (read after a sync). */
export interface NodeReading {
  member: number;
  seq: number;
  version: number;
}

export interface Gap {
  ms: number;
  /** When the gap began (the ack before it), in performance.now() ms. */
  fromMs: number;
}

/** The longest interval between consecutive acknowledged writes; zero with fewer than two acks. */
export function longestGap(acks: readonly AckedWrite[]): Gap {
  let best: Gap = { ms: 0, fromMs: acks[0]?.ackedAtMs ?? 0 };
  for (let i = 1; i < acks.length; i++) {
    const ms = acks[i]!.ackedAtMs - acks[i - 1]!.ackedAtMs;
    if (ms > best.ms) best = { ms, fromMs: acks[i - 1]!.ackedAtMs };
  }
  return best;
}

/**
 * Acknowledged writes the reading does not reflect. The writer has one write in flight, so every ack must carry a
 * higher version than the ack before it (a repeated version means a later write took the place of an acknowledged
 * one), and the node afterwards must be at or past every acknowledged version and value. A write that failed with
 * connection loss may or may not have been applied; either is correct, so unacknowledged writes are not counted.
 */
export function lostWrites(acks: readonly AckedWrite[], reading: NodeReading): number {
  let lost = 0;
  let previousVersion = -Infinity;
  for (const ack of acks) {
    const overwritten = ack.version <= previousVersion;
    const missing = ack.version > reading.version || ack.seq > reading.seq;
    if (overwritten || missing) lost++;
    previousVersion = Math.max(previousVersion, ack.version);
  }
  return lost;
}
